"""Curated knowledge: the data model, the loader for ``data/`` and the matcher."""
