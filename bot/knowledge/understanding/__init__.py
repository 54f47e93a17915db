"""Reading members' questions: platform, topic, intent and language, before any search.

Modules: ``reader`` (the ``Reader`` and what it returns), ``lexicon`` (the vocabulary, from
``lexicon.toml`` and ``languages.toml``), ``subject`` (which of several platforms named),
``languages`` (a cheap language guess), ``model`` (the fitted linear models, ``weights.json``)
and ``fit`` (the script that fits them). Nothing is imported here, so ``bot.knowledge.platforms``
can read the lexicon without pulling in the reader.
"""
