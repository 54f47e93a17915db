"""The one home of Fine Print's vocabulary: topic cues, AI terms and stopwords, in seven languages.

All terms are in folded form (see ``bot.knowledge.text.fold``): lower-case, no accents, words
separated by single spaces. A trailing ``*`` makes a term a prefix ("entrain*" matches
"entrainer", "entrainement"). Weights say how strongly a cue points at its topic; the matcher and
the watcher's relevance scorer both read from here, so a new language is added in one place.
Languages: English, French, Italian, Spanish, German, Portuguese, Indonesian.
"""

from __future__ import annotations

# Which topic wins when two score the same: the more actionable question first.
TOPIC_PRIORITY = ("opt-out", "third-party", "ai-content", "license", "history", "ai-training")

TOPIC_TERMS: dict[str, dict[str, float]] = {
    "ai-training": {
        # en
        "train": 3, "trains": 3, "training": 3, "trained": 3, "retrain*": 3, "fine tun*": 3,
        "machine learning": 2, "learn from": 2, "feed": 1.5, "feeding": 1.5, "scrap*": 1.5,
        "dataset*": 2, "training data": 3, "use my": 1, "uses my": 1, "using my": 1,
        # fr
        "entrain*": 3, "apprentissage": 2, "utilise ma": 1, "utilise mes": 1,
        "utiliser ma": 1, "utiliser mes": 1,
        # it
        "addestr*": 3, "allenare": 2, "usa la mia": 1,
        "usa i miei": 1, "usare": 0.5,
        # es
        "entren*": 3, "usa mis": 1, "usar mis": 1,
        "utiliza mis": 1,
        # de
        "trainier*": 3, "maschinelles lernen": 2,
        "nutzt": 1, "verwendet": 1, "benutzt": 1,
        # pt
        "trein*": 3, "aprendizado": 2, "usa meus": 1, "usa minhas": 1, "usar meus": 1,
        # id
        "melatih": 3, "pelatihan": 3, "latih*": 3, "dilatih": 3,
        "menggunakan": 1, "memakai": 1, "dipakai": 1, "digunakan": 1,
    },
    "third-party": {
        "third party": 3, "third parties": 3, "3rd party": 3, "thirdparty": 3,
        "sell": 3, "sells": 3, "selling": 3, "sold": 3, "share": 1.5, "shares": 1.5,
        "sharing": 1.5, "shared": 1.5, "partner*": 2, "deal": 2, "deals": 2,
        "other companies": 3, "ai companies": 3, "ai firms": 3, "data licensing": 3,
        "openai": 2, "midjourney": 2, "anthropic": 2, "give my": 1.5, "hand over": 2,
        # fr
        "tiers": 3, "vend*": 3, "partag*": 1.5, "autres entreprises": 3, "entreprises d ia": 3,
        # it
        "terzi": 3, "terze parti": 3, "condivid*": 1.5, "aziende": 1.5, "altre aziende": 3,
        # es
        "terceros": 3, "compart*": 1.5, "otras empresas": 3, "empresas de ia": 3,
        # de
        "dritte": 3, "dritten": 3, "drittanbieter*": 3, "verkauf*": 3, "weitergeb*": 3,
        "teilen": 1.5, "andere firmen": 3, "ki firmen": 3, "ki unternehmen": 3,
        # pt
        "terceiros": 3, "compartilh*": 1.5, "partilh*": 1.5, "outras empresas": 3,
        # id
        "pihak ketiga": 3, "menjual": 3, "jual": 3, "dijual": 3, "berbagi": 1.5,
        "dibagikan": 1.5, "perusahaan lain": 3, "perusahaan ai": 3,
    },
    "opt-out": {
        "opt out": 4, "optout": 4, "opting out": 4, "opted out": 4, "opt in": 3, "optin": 3,
        "prevent third party sharing": 8,
        "opt": 3, "turn off": 3, "turn it off": 3, "switch off": 3, "disable": 3,
        "disabling": 3, "deactivate": 3, "stop": 2, "stopping": 2, "prevent": 2,
        "block": 2, "blocking": 2, "object": 2, "objection": 3, "setting": 2, "settings": 2,
        "toggle": 3, "exclude": 2, "refuse": 2, "keep my": 1.5, "protect": 1.5,
        "noai": 2, "noimageai": 2, "robots txt": 2, "google extended": 2, "registry": 2,
        "do not train": 3, "dont train": 3, "unsubscribe": 2, "form": 1,
        # fr
        "desactiv*": 4, "refus*": 2, "s opposer": 3, "opposer": 3, "opposition": 3,
        "parametre*": 2, "reglage*": 2, "empecher": 2, "bloquer": 2, "exclure": 2,
        "desinscri*": 3, "retirer": 1.5,
        # it
        "disattiv*": 4, "opporsi": 3, "opporre": 3, "opposizione": 3, "impostazion*": 2,
        "escludere": 2, "bloccare": 2, "impedire": 2, "rinunciare": 2,
        # es
        "darse de baja": 4, "darme de baja": 4, "de baja": 4, "excluir*": 3, "oponerme": 3,
        "oponerse": 3, "oposicion": 3, "configuracion": 2, "ajuste*": 2, "bloquear": 2,
        "evitar": 2, "impedir": 2, "desactivar": 4,
        # de
        "deaktivier*": 4, "widersprech*": 4, "widerspruch": 4, "abmelden": 3,
        "ausschalten": 3, "abschalten": 3, "einstellung*": 2, "verhindern": 2,
        "blockieren": 2, "ausschliessen": 3, "ausnehmen": 2,
        # pt
        "desativ*": 4, "desligar": 3, "opor": 3, "oposicao": 3, "configurac*": 2,
        "definicoes": 2,
        # id
        "berhenti": 3, "menonaktifkan": 4, "nonaktif*": 4, "matikan": 3, "mematikan": 3,
        "keluar": 2, "menolak": 3, "pengaturan": 2, "mencegah": 2, "memblokir": 2,
        "menghentikan": 3,
    },
    "license": {
        "licen*": 3, "sublicens*": 3, "rights": 3, "royalty free": 3, "royalty": 1,
        "grant": 2, "granting": 2, "own": 1.5, "owns": 2, "ownership": 3, "copyright": 2,
        "perpetual": 3, "irrevocable": 3, "worldwide": 1, "who owns": 3, "keep ownership": 3,
        # fr
        "droits": 3, "proprietaire": 2, "propriete": 2, "ceder": 2, "cede": 1.5,
        "droit d auteur": 2,
        # it
        "diritti": 3, "licenza": 3, "proprieta": 2, "cedere": 2, "diritto d autore": 2,
        # es
        "derechos": 3, "licencia": 3, "propiedad": 2, "dueno": 2, "derechos de autor": 3,
        # de
        "rechte": 3, "lizenz*": 3, "eigentum": 2, "urheberrecht*": 3, "nutzungsrecht*": 3,
        "gehort": 2,
        # pt
        "direitos": 3, "licenca": 3, "propriedade": 2, "dono": 2, "direitos autorais": 3,
        # id
        "hak": 3, "lisensi": 3, "hak cipta": 3, "kepemilikan": 3, "pemilik": 2,
    },
    "ai-content": {
        "ai generated": 4, "ai made": 4, "made with ai": 4, "made by ai": 4, "generated": 2,
        "ai music": 3, "ai songs": 3, "ai song": 3, "ai tracks": 3, "ai track": 3,
        "ai art": 2, "ai voice": 2, "ai vocals": 3, "ai covers": 3, "ai cover": 3,
        "voice clon*": 3, "deepfake*": 3, "fully ai": 3, "upload ai": 3, "release ai": 3,
        "distribute ai": 3, "label*": 2, "disclos*": 2, "ban": 2, "bans": 2, "banned": 2,
        "allowed": 1, "allow": 1, "demoneti*": 3, "impersonat*": 2, "suno songs": 3,
        "udio songs": 3, "upload": 0.5,
        # fr
        "genere*": 3, "musique ia": 3, "chansons ia": 3, "interdit*": 2, "autorise*": 1,
        "etiquet*": 2, "faite avec l ia": 4, "creee avec l ia": 4,
        # it
        "generat*": 3, "musica ia": 3, "musica con l ia": 3, "canzoni ia": 3, "vietat*": 2,
        "consentit*": 1, "caricare": 0.5,
        # es
        "generad*": 3, "musica con ia": 3, "canciones ia": 3, "canciones con ia": 3,
        "prohib*": 2, "permit*": 1, "subir": 0.5, "hecha con ia": 4,
        # de
        "generiert*": 3, "ki musik": 3, "ki generiert*": 4, "ki songs": 3, "ki lieder": 3,
        "verboten": 2, "erlaubt": 1, "hochladen": 0.5, "kennzeichn*": 2,
        # pt
        "gerad*": 3, "musica feita com ia": 4, "musicas de ia": 3, "musica de ia": 3,
        "proibid*": 2, "permitid*": 1, "enviar": 0.5,
        # id
        "dibuat dengan ai": 4, "buatan ai": 3, "musik ai": 3, "lagu ai": 3, "dilarang": 2,
        "diizinkan": 1, "boleh": 1, "mengunggah": 0.5,
    },
    "history": {
        "history": 4, "timeline": 4, "what s new": 3, "whats new": 3, "changed": 3,
        "change": 2, "changes": 2, "changing": 2,
        "when did": 2, "update": 2, "updated": 2, "updates": 2, "new terms": 2,
        "what happened": 3, "used to": 2, "controversy": 2, "backlash": 2, "old terms": 2,
        "previous": 2, "revision": 2, "revised": 2, "2023": 1, "2024": 1, "2025": 1, "2026": 1,
        # fr
        "historique": 4, "changement*": 3, "modifi*": 3, "quand": 2, "evolution": 2,
        "mis a jour": 2, "mise a jour": 2, "que s est il passe": 3,
        # it
        "storia": 3, "cronologia": 4, "cambiat*": 3, "quando": 2, "aggiorn*": 2,
        "cosa e successo": 3,
        # es
        "historial": 4, "historia": 3, "cambi*": 2, "cuando": 2, "actualiz*": 2, "que paso": 3,
        # de
        "verlauf": 4, "geschichte": 3, "geandert": 3, "anderung*": 3, "wann": 2,
        "aktualisier*": 2, "was ist passiert": 3,
        # pt
        "historico": 4, "mudou": 3, "mudanc*": 3, "mudaram": 3, "alterac*": 3,
        "atualiz*": 2, "o que aconteceu": 3,
        # id
        "riwayat": 4, "sejarah": 3, "berubah": 3, "perubahan": 3, "diubah": 3, "kapan": 2,
        "diperbarui": 2, "apa yang terjadi": 3,
    },
}  # fmt: skip

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

# Prepositions before the platform a question is about ("can I post Suno songs *on* SoundCloud").
PLATFORM_PREPOSITIONS: frozenset[str] = frozenset(
    "on to onto at into sur a au en su a di ke auf bei zu na no em dans".split()
)

# Multilingual stopwords: ignored when deciding whether a query says more than a platform name.
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the and or of to in on for with my me i im is are am do does did can could will would
    should how what whats which who why when where it its this that these those there their they
    you your we our us be been being have has had not no yes about from by as at if so any some
    just get got give gives there here than then also too very really still ever even please pls
    plz hey hi
    hello ok okay thanks thank anyone someone know tell explain question u ur s t m re ve ll d
    le la les un une des de du et ou mon ma mes je j est sont ce cette ces que qui quoi comment
    pour avec sur dans par pas ne n il elle on nous vous ses leur leurs l d c qu au aux y en
    il lo gli uno di da e o mio mia miei mie che chi come per con su non si sono ho ha hanno
    puo posso del della dei nel nella suo sua
    el los las del y mis es son como para en por no se lo le me tu te ha han puede puedo su sus
    al
    der die das ein eine einen und oder mein meine meinen ist sind was wer wie fur mit auf
    nicht ich mich mir du dich dein deine es zu von bei den dem des hat haben sich wird werden
    kann konnen darf durfen soll sollte man im am vom zum zur sein seine ihre
    a ont peut peuvent fait sa son se cela ca
    os as um uma do da dos das meu minha meus minhas sao quem com em nao eu voce tem pode posso
    no na nos nas seu sua
    apakah apa yang dan atau saya aku di ke dari untuk dengan ini itu bagaimana cara ada tidak
    bisa kah ya punya saja juga sudah akan bolehkah adakah
    """.split()
)

# Never read these as a misspelt platform ("video" is one letter from "vimeo").
NOT_PLATFORMS: frozenset[str] = frozenset(
    """
    video videos audio media model models medium tumble tumbled deeper abode adore goggle
    goggles discard discards thread threat threats reddish credit edit edits
    apply ample quota grammar grammars grammer pixie
    """.split()
)

# Spelling variants folded to one form before fuzzy comparison ("licence" and "license").
SPELLING_VARIANTS: dict[str, str] = {
    "licence": "license", "licences": "licenses", "licenced": "licensed", "optout": "opt out",
    "opt-out": "opt out", "colour": "color", "authorisation": "authorization",
    "authorise": "authorize", "recognise": "recognize", "organisation": "organization",
}  # fmt: skip

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
