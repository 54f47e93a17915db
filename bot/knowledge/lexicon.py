"""The watcher's AI vocabulary: AI terms and the AI-relevance groups, in seven languages.

All terms are in folded form (see ``bot.knowledge.text.fold``): lower-case, no accents, words
separated by single spaces. A trailing ``*`` makes a term a prefix ("entrain*" matches
"entrainer", "entrainement"). The question reader's vocabulary (topic cues, stopwords, the words
around platform names) lives in data, ``bot/knowledge/understanding/lexicon.toml`` and
``languages.toml``; it adds ``AI_TERMS`` to its own AI class, so an AI word is added here once.
Languages: English, French, Italian, Spanish, German, Portuguese, Indonesian.
"""

from __future__ import annotations

# Words that say a text is about artificial intelligence at all (any language).
AI_TERMS: frozenset[str] = frozenset({
    "ai", "a i", "ia", "ki", "artificial intelligence", "intelligence artificielle",
    "intelligenza artificiale", "inteligencia artificial", "kunstliche intelligenz",
    "kecerdasan buatan", "machine learning", "apprentissage automatique",
    "apprendimento automatico", "aprendizaje automatico", "maschinelles lernen",
    "aprendizado de maquina", "pembelajaran mesin", "genai", "generative", "generativ*",
    "llm*", "large language model*", "chatgpt", "openai", "midjourney", "stable diffusion",
    "neural", "deep learning", "foundation model*", "frontier model*", "machine intelligence",
    "algorithmic model*", "ai model*", "ml model*", "noai", "noimageai", "grok", "firefly",
    "dreamup", "meta ai", "copilot", "gen ai",
})  # fmt: skip

# -- The watcher's AI-relevance vocabulary (bot.watch.relevance) -------------------------------
# A changed passage is AI-relevant when it is about AI (AI_TERMS) AND says content or data is
# used to build or feed it (AI_USE_TERMS), or ties users' content (AI_DATA_TERMS) to consent,
# a licence or AI imitation. An AI word alone ("the Meta AI Terms also apply") is not enough.

# Using content or data to build or feed AI: training, ingesting, scraping, mining.
AI_USE_TERMS: frozenset[str] = frozenset({
    # en
    "train", "trains", "trained", "training", "retrain*", "fine tun*", "finetun*", "ingest*",
    "scrap*", "crawl*", "dataset*", "data set*", "training data", "data mining",
    "text and data mining", "serve as input", "as input to", "input to", "develop and improve",
    "develop and train", "improve our models", "improve our ai", "build our models",
    "learn from", "fed into", "feed into",
    # fr
    "entrain*", "apprentissage", "alimenter", "fouille de textes",
    # it
    "addestr*", "allenar*",
    # es
    "entren*", "mineria de datos",
    # de
    "trainier*", "einspeis*", "text und data mining",
    # pt
    "trein*", "mineracao de dados",
    # id
    "melatih", "pelatihan", "dilatih", "latih*",
})  # fmt: skip

# Users' content and data: the object whose use for AI matters.
AI_DATA_TERMS: frozenset[str] = frozenset({
    # en
    "content", "contents", "data", "information", "post", "posts", "upload", "uploads",
    "uploaded", "submission*", "works", "voice", "voices", "likeness", "music", "song", "songs",
    "recording*", "track", "tracks", "audio", "image", "images", "photo*", "video", "videos",
    "artwork*", "lyrics", "message", "messages", "comment", "comments", "interaction*",
    "input", "inputs", "prompt*", "conversation*", "chats", "profile",
    # fr
    "contenu*", "donnees", "informations", "publication*", "oeuvre*", "voix", "musique*",
    "chanson*", "photos",
    # it
    "contenut*", "dati", "informazioni", "opere", "brani", "canzoni",
    # es
    "contenido*", "datos", "informacion", "publicaciones", "obras", "voz", "canciones",
    # de
    "inhalt*", "daten", "informationen", "beitrag*", "beitrage", "werke", "stimme*", "lieder",
    # pt
    "conteudo*", "dados", "informacoes", "publicacoes", "musicas",
    # id
    "konten", "informasi", "unggahan", "karya", "suara", "lagu",
})  # fmt: skip

# Consent, objection and opt-out/opt-in wording.
AI_CONSENT_TERMS: frozenset[str] = frozenset({
    # en
    "opt out", "opt in", "optout", "opt outs", "opting out", "consent", "object", "objection",
    "permission", "authoriz*", "authoris*", "without your", "do not train", "dont train",
    "noai", "noimageai", "robots txt", "google extended", "setting", "settings",
    # fr
    "consentement", "s opposer", "opposition", "autorisation", "desactiv*",
    # it
    "consenso", "opporsi", "opposizione", "autorizzazione",
    # es
    "consentimiento", "oponerse", "oposicion", "autorizacion",
    # de
    "einwilligung", "zustimmung", "widerspruch", "widersprech*",
    # pt
    "consentimento", "oposicao", "autorizacao",
    # id
    "persetujuan", "izin",
})  # fmt: skip

# Licence grants that could feed AI.
AI_LICENSE_TERMS: frozenset[str] = frozenset({
    "licen*", "sublicens*", "royalty free", "irrevocable", "perpetual", "grant", "grants",
    "right to use", "rights to use",
    "droit d utiliser", "licenza", "licencia", "lizenz*", "nutzungsrecht*", "licenca", "lisensi",
})  # fmt: skip

# AI output that imitates people or their work.
AI_OUTPUT_TERMS: frozenset[str] = frozenset({
    "generated", "synthesiz*", "synthesis*", "output", "outputs", "impersonat*", "deepfake*",
    "voice clon*", "replicate", "imitat*",
    "genere*", "imiter", "usurp*", "generat*", "generad*", "suplant*", "generiert*", "nachahm*",
    "gerad*", "dibuat",
})  # fmt: skip

# News only: the item is about terms, policy or rights (not just a new AI product).
AI_POLICY_TERMS: frozenset[str] = frozenset({
    "terms", "tos", "terms of service", "terms of use", "policy", "policies", "privacy",
    "agreement", "copyright", "rights", "licensing", "license", "licence", "deal", "deals",
    "lawsuit", "sued", "sues", "settlement",
    "conditions", "politique", "confidentialite", "droits", "terminos", "politica",
    "privacidad", "derechos", "nutzungsbedingungen", "datenschutz*", "richtlinie*", "rechte",
    "termini", "informativa", "diritti", "termos", "privacidade", "direitos", "ketentuan",
    "kebijakan", "privasi", "hak",
})  # fmt: skip
