"""AI-relevance on meaning: the words platforms use, in seven languages, and what a change says.

The sentences here are written for the tests (none is from the labelled corpus): they check
that the lexicon and the fitted model generalise beyond the training labels' wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.alerts.model import PASSAGE_TOPICS, PassageVerdict
from bot.watch.aspects import describe, whose
from bot.watch.diff import diff_lines
from bot.watch.reading import read
from bot.watch.relevance import VERDICT_CHARS, clip_edit, edit_matters, judge_change, score_text
from bot.watch.relevance_lexicon import (
    LANGUAGES,
    LexiconError,
    lexicon,
    model,
    parse_lexicon,
    parse_model,
)

# Training on, or use of, users' content for models — with and without the word "AI".
RELEVANT = {
    "en": [
        "We will not use, or permit others to use, any artist's music to train models to "
        "generate sound recordings.",
        "You may not use the Services for text and data mining.",
        "We may use your posts to train foundation or frontier models.",
        "Content you upload may be used to develop large language models.",
        "You may not use any content to create machine-generated or synthetic media.",
        "We will not use your voice or likeness for voice cloning without your consent.",
        "We may license your content to third parties for inclusion in datasets.",
        "You may not scrape the Services to build training datasets.",
        "You can opt out of the use of your content for model training in your settings.",
        "We will not make a digital replica of a performer's voice from their recordings.",
        "Partners may use de-identified voice messages to build speech systems.",
        "Licensed stems may be passed to partners building audio generation tools.",
    ],
    "fr": [
        "Nous n'utiliserons pas vos morceaux pour entraîner des modèles capables de générer "
        "des enregistrements sonores.",
        "Nous nous opposons à la fouille de textes et de données sur nos contenus.",
        "Vous pouvez désactiver l'utilisation de vos données pour l'entraînement de l'IA dans "
        "les paramètres.",
        "Nous pouvons concéder une licence sur vos contenus à des tiers pour entraîner leurs "
        "modèles.",
        "Aucune réplique numérique de la voix de l'artiste ne sera créée à partir de ses "
        "enregistrements.",
    ],
    "it": [
        "Non useremo la tua musica per addestrare modelli che generano registrazioni audio.",
        "Puoi disattivare l'uso dei tuoi dati per l'addestramento dell'IA nelle impostazioni.",
        "È vietata la clonazione vocale della voce degli artisti senza consenso.",
        "Non creeremo repliche digitali della voce dell'artista dalle sue registrazioni.",
    ],
    "es": [
        "No utilizaremos tu música para entrenar modelos que generen grabaciones de sonido.",
        "Podemos compartir tus datos con terceros para entrenar modelos de inteligencia "
        "artificial.",
        "Nos reservamos los derechos de minería de textos y datos sobre el contenido.",
        "No se permiten imitaciones de voz de otros artistas en las canciones que subes.",
        "Podemos ceder tus grabaciones a empresas que crean sistemas de generación de voz.",
    ],
    "de": [
        "Wir werden deine Musik nicht verwenden, um Modelle zu trainieren, die Tonaufnahmen "
        "generieren.",
        "Wir behalten uns die Nutzung der Inhalte für Text und Data Mining ausdrücklich vor.",
        "Du kannst der Nutzung deiner Daten für KI-Training in den Einstellungen widersprechen.",
    ],
    "pt": [
        "Não usaremos sua música para treinar modelos que gerem gravações de som.",
        "Você pode desativar o uso dos seus dados para treinamento de IA nas configurações.",
        "Podemos licenciar seu conteúdo a terceiros para treinar modelos de linguagem.",
        "Não criaremos réplicas digitais da voz do artista a partir das suas gravações.",
    ],
    "id": [
        "Kami tidak akan menggunakan musik Anda untuk melatih model yang menghasilkan rekaman "
        "suara.",
        "Anda dapat menonaktifkan penggunaan data Anda untuk pelatihan AI di pengaturan.",
        "Kami dapat membagikan data Anda dengan pihak ketiga untuk melatih model AI mereka.",
    ],
}
# Ordinary terms-of-service sentences, some with words the lexicon knows.
NOT_RELEVANT = {
    "en": [
        "We may update these Terms from time to time.",
        "You grant us a worldwide, non-exclusive, royalty-free license to host and display your "
        "content.",
        "We may share your information with service providers who process payments.",
        "Our support team receives regular training.",
        "We use your information to develop and improve our products.",
        "You can upload and sell 3D models in the store.",
        "Subject to Section 4(a)(i), you may upload content to your profile.",  # not "A.I."
    ],
    "fr": [
        "Nous pouvons modifier ces conditions à tout moment.",
        "La résiliation peut entraîner la suppression de votre compte.",
    ],
    # "dalle" is "from the", not DALL-E
    "it": [
        "Ci concedi una licenza mondiale per ospitare i tuoi contenuti.",
        "Puoi rimuovere dalle playlist i contenuti caricati dagli altri utenti.",
    ],
    # "imagen" is "image", not Google's model
    "es": [
        "Nos otorgas una licencia mundial para alojar tu contenido.",
        "Puedes cambiar la imagen de perfil y compartir tus publicaciones con terceros.",
    ],
    "de": ["Du räumst uns eine weltweite Lizenz zum Hosten deiner Inhalte ein."],
    "pt": ["Você nos concede uma licença mundial para hospedar seu conteúdo."],
    # "ia" is "he/she", not the French or Spanish "IA"
    "id": [
        "Anda memberi kami lisensi di seluruh dunia untuk menampung konten Anda.",
        "Jika ia tidak setuju, pengguna dapat menghapus konten yang ia unggah.",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(lang, text) for lang, texts in table.items() for text in texts]


def test_every_language_is_tested():
    assert set(RELEVANT) == set(NOT_RELEVANT) == set(LANGUAGES)


@pytest.mark.parametrize(("lang", "text"), _cases(RELEVANT))
def test_ai_use_of_content_is_recognised_in_the_words_platforms_use(lang, text):
    rel = score_text(text)
    assert rel.ai_relevant, (lang, text, sorted(read(text).groups))
    assert rel.terms


@pytest.mark.parametrize(("lang", "text"), _cases(NOT_RELEVANT))
def test_ordinary_terms_are_not_flagged(lang, text):
    rel = score_text(text)
    assert not rel.ai_relevant, (lang, text, sorted(read(text).groups), rel.score)


def test_training_models_is_ai_even_without_the_word():
    groups = read("to train models to generate sound recordings").groups
    assert "ai" in groups  # [near.ai]: training a model is machine learning
    assert (
        "ai"
        not in read("Staff training is offered every year, as our business model requires.").groups
    )


# -- trivial edits of an AI sentence ----------------------------------------------------------
AI_RULE = "We may use your content to train generative AI models unless you opt out in settings."


def test_a_link_restored_in_an_ai_sentence_is_trivial():
    change = diff_lines(
        [AI_RULE.replace("in settings", "in .")],
        [AI_RULE.replace("in settings", "in [Settings](https://example.com/settings).")],
    )
    assert change.trivial and not judge_change(change).relevance.ai_relevant


def test_a_reflowed_list_says_nothing_new():
    old = [
        "You shall not scrape content",
        "(a) into datasets for generative AI;",
        "(b) as inputs to generative AI programs.",
    ]
    new = [
        "You shall not scrape content (i) into datasets for generative AI; "
        "(ii) as inputs to generative AI programs."
    ]
    change = diff_lines(old, new)
    assert not change.empty and change.trivial
    assert not judge_change(change).relevance.ai_relevant


def test_an_ai_sentence_reworded_elsewhere_is_not_an_ai_change():
    old = "Gemini can personalize your experience by referencing your chats."
    new = "Gemini can personalize your experience, and plan your day, by referencing your chats."
    assert not edit_matters(old, new)
    verdict = judge_change(diff_lines([old], [new]))
    assert not verdict.relevance.ai_relevant
    [passage] = verdict.passages
    assert passage.direction == "edited" and passage.before is not None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("We will not use your content to train AI.", "We will use your content to train AI."),
        (
            "You grant Epic a license to use your content to develop AI safety tools.",
            "You grant KitBash a license to use your content to develop AI safety tools.",
        ),
        (
            "We use your recordings to improve our AI models.",
            "We use your recordings and videos to improve our AI models.",
        ),
    ],
)
def test_a_change_of_stance_party_or_content_still_matters(old, new):
    assert edit_matters(old, new)
    assert judge_change(diff_lines([old], [new])).relevance.ai_relevant


# -- per-passage verdicts ---------------------------------------------------------------------
def test_verdicts_put_ai_passages_first_with_their_before_and_after():
    old = [
        "Welcome to our service.",
        "We will not use your content to train AI models.",
        "Contact us at any time.",
    ]
    new = [
        "Welcome to our wonderful music service, built for artists.",
        "We will use your content to train AI models.",
        "Contact us at any time.",
        "We may share your music with third parties to train their AI models.",
    ]
    verdict = judge_change(diff_lines(old, new))
    assert verdict.relevance.ai_relevant and verdict.edits == 3
    first, second, last = verdict.passages
    assert first.ai_relevant and second.ai_relevant and not last.ai_relevant
    assert first.score >= second.score
    edited = next(p for p in verdict.passages if p.direction == "edited" and p.ai_relevant)
    assert edited.before == "We will not use your content to train AI models."
    assert edited.text == "We will use your content to train AI models."
    assert (edited.topic, edited.actor, edited.stance) == ("ai-training", "platform", "permits")
    shared = next(p for p in verdict.passages if p.direction == "added")
    assert (shared.topic, shared.actor, shared.stance) == (
        "third-party",
        "third-parties",
        "permits",
    )
    assert last.topic is None and last.actor is None and last.stance is None
    assert PassageVerdict.from_dict(edited.to_dict()) == edited


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        (
            "We will not use, or permit others to use, your music to train models.",
            ("third-party", "third-parties", "forbids"),
        ),
        (
            "You may opt out of the use of your posts for generative AI training in your settings.",
            ("opt-out", "platform", "permits"),
        ),
        (
            "If your upload is created with generative AI, you must label it as AI-generated.",
            ("ai-content", "users", "permits"),
        ),
        (
            "You shall not use any content from the Service to train machine learning models.",
            ("ai-training", "users", "forbids"),
        ),
        (
            "You grant us a non-exclusive, royalty-free license to use your content to train "
            "our AI models.",
            ("ai-training", "platform", "permits"),
        ),
        ("SoundCloud will not train AI on your tracks.", ("ai-training", "platform", "forbids")),
        (
            "Nous n'utiliserons jamais vos morceaux pour entraîner des modèles d'IA.",
            ("ai-training", "platform", "forbids"),
        ),
        (
            "Wir geben deine Inhalte an Dritte weiter, damit diese KI-Modelle trainieren.",
            ("third-party", "third-parties", "permits"),
        ),
        (
            "Kami tidak akan menggunakan konten Anda untuk melatih AI.",
            ("ai-training", "platform", "forbids"),
        ),
    ],
)
def test_topic_actor_and_stance(text, aspects):
    assert score_text(text).ai_relevant
    topic, actor, stance = describe(read(text), ("SoundCloud",))
    assert (topic, actor, stance) == aspects
    assert topic in PASSAGE_TOPICS


def test_a_long_edited_clause_list_is_clipped_at_its_ai_edit_on_both_sides():
    # X's Developer Terms, June 2025, in miniature: commas fixed early in a clause list that runs
    # for pages, and the ban on training models inserted near its end.
    items = [f"({n}) do thing number {n} in the Service" for n in range(60)]
    ban = "(60) use any content to fine-tune or train a foundation or frontier model"
    old = "You shall not: " + ", ".join(items) + "."
    fixed = [i.replace("the Service", "our Service") if n < 3 else i for n, i in enumerate(items)]
    new = "You shall not: " + ", ".join([*fixed[:50], ban, *fixed[50:]]) + "."
    assert len(old) > 2 * VERDICT_CHARS
    verdict = judge_change(diff_lines([old], [new]))
    [edited] = [p for p in verdict.passages if p.direction == "edited"]
    assert edited.ai_relevant and ban in edited.text
    assert len(edited.text) <= VERDICT_CHARS and len(edited.before or "") <= VERDICT_CHARS
    # Both wordings start at the same word, so the word-level marks line up.
    assert (edited.before or "").split()[:4] == edited.text.split()[:4]
    assert clip_edit("short", "short too", ("train",)) == ("short", "short too")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We may use the information we collect to train our AI models.", "data"),
        ("We may share your personal data with partners to train AI.", "data"),
        ("Nous pouvons utiliser vos données pour entraîner nos modèles d'IA.", "data"),
        ("Wir nutzen deine Daten, um KI-Modelle zu trainieren.", "data"),
        ("We may use your Content to train AI models.", "content"),
        ("SoundCloud will not train AI on your tracks.", "content"),
        # Works and data together: the works are what a creator cares about.
        ("We may use your uploads and related data to train AI models.", "content"),
        ("We may use your voice recordings and information to train AI.", "content"),
    ],
)
def test_whose_material_a_passage_is_about(text, expected):
    assert whose(read(text)) == expected


def test_verdicts_say_whose_material_ai_passages_are_about():
    verdict = judge_change(
        diff_lines(
            ["Welcome."],
            ["Welcome.", "We may share your information with third parties to train AI models."],
        )
    )
    [passage] = verdict.passages
    assert passage.ai_relevant and passage.whose == "data"
    assert PassageVerdict.from_dict(passage.to_dict()) == passage


# -- the data files -----------------------------------------------------------------------------
def test_the_shipped_lexicon_and_model_agree():
    lx = lexicon()
    m = model()
    used = {g for feature, _ in m.weights for g in feature.groups}
    assert used <= set(lx.groups)
    assert 0 < m.threshold < 1
    # A cue never makes a passage less relevant, except the declared boilerplate exceptions.
    assert all(w >= 0 for f, w in m.weights if f.name not in m.exceptions)
    assert all(w <= 0 for f, w in m.weights if f.name in m.exceptions)
    for entry, langs in lx.terms.items():
        assert set(langs) == set(LANGUAGES), entry


def test_a_bad_lexicon_names_file_line_and_problem(tmp_path: Path):
    text = '[group.ai]\ndoc = "x"\nen = ["Intelligence Artificielle"]\nfr = []\n'
    with pytest.raises(LexiconError) as info:
        parse_lexicon(text, tmp_path / "relevance.toml")
    shown = [str(p) for p in info.value.problems]
    assert any(
        ":3: group.ai: term 'Intelligence Artificielle' is not in folded form" in s for s in shown
    )
    assert any("no list for it, es, de, pt, id" in s for s in shown)
    with pytest.raises(LexiconError, match="unknown groups"):
        parse_model(
            'bias = -1\nthreshold = 0.5\n[weights]\n"ai & nope" = 1\n', tmp_path, frozenset({"ai"})
        )
