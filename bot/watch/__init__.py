"""The watcher: notices when a platform's AI terms change, and says so once.

- ``sources``: the sources file (``data/sources.toml``), OTA-style selectors, validation
- ``guard`` / ``fetch`` / ``dns``: the SSRF guard, the capped, conditional, polite HTTP fetcher
  and its resolver (threads of its own, a time limit)
- ``markup`` / ``workers``: a page's tree measured before parsing; parsing in killable worker
  processes under a time budget
- ``rss``: feed item keys (fast scan + feedparser), ``page`` / ``normalize``: document text
- ``diff`` / ``relevance``: changed sentences and whether they are about AI use of content
- ``ota``: Open Terms Archive change feeds, ``clauses``: curated quotes still present?
- ``scheduler``: intervals, jitter, backoff, write batching; ``record``: one transaction per batch
- ``service``: the ``Watcher`` (``poll_once``, ``run``); ``cli``: ``python -m bot watch``
"""
