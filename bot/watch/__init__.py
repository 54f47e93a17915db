"""The watcher: fetch sources, extract and normalise text, diff, judge AI relevance, schedule."""
