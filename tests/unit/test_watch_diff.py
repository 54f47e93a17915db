"""Sentence-level diffs and the AI-relevance verdict on them."""

from __future__ import annotations

import pytest

from bot.watch.diff import diff_lines, sentences
from bot.watch.relevance import clip_around, judge_change, score_text
from bot.watch.relevance_lexicon import model

LICENCE = "By uploading your Content you grant us a worldwide licence. It is non-exclusive."


def test_only_the_changed_sentence_is_reported():
    old = ["# Licence", LICENCE + " You may end it at any time."]
    new = [
        "# Licence",
        LICENCE + " We may use your Content to train AI models. You may end it at any time.",
    ]
    change = diff_lines(old, new)
    assert [p.text for p in change.added] == ["We may use your Content to train AI models."]
    assert change.removed == ()


def test_moved_and_reflowed_text_is_not_a_change():
    old = ["A first rule. A second rule.", "Other text."]
    new = ["Other text.", "A first rule.", "A second rule."]
    assert diff_lines(old, new).empty


def test_typo_and_date_edits_are_trivial_but_negations_are_not():
    typo = diff_lines(
        ["We may use artifical intelligence to train models on your content."],
        ["We may use artificial intelligence to train models on your content."],
    )
    assert typo.trivial and not judge_change(typo).relevance.ai_relevant
    date = diff_lines(["Last amended: May 21, 2025"], ["Last amended: September 10, 2025"])
    assert date.trivial
    flip = diff_lines(
        ["We will not use your content to train AI."], ["We will now use your content to train AI."]
    )
    assert not flip.trivial
    verdict = judge_change(flip)
    assert verdict.relevance.ai_relevant
    assert [p.text for p in verdict.removed] == ["We will not use your content to train AI."]


@pytest.mark.parametrize(
    "text",
    [
        "This license includes the right to use Your Content to train AI and ML models.",
        "We will not use your content to train generative AI models without your explicit consent.",
        "You may opt out of the use of your posts for generative AI training in your settings.",
        "Nous pouvons utiliser vos contenus pour entraîner l'intelligence artificielle.",
        "Wir verwenden Ihre Beiträge, um unsere KI-Modelle zu trainieren.",
        "Podemos usar tu contenido para entrenar modelos de inteligencia artificial.",
        "Possiamo usare i tuoi contenuti per addestrare l'intelligenza artificiale.",
        "Podemos usar seu conteúdo para treinar modelos de inteligência artificial.",
        "Kami dapat menggunakan konten Anda untuk melatih model kecerdasan buatan.",
        "Using generative AI output to impersonate a voice without authorization is banned.",
    ],
)
def test_ai_use_of_content_is_relevant(text):
    rel = score_text(text)
    assert rel.ai_relevant and rel.score >= model().threshold and rel.terms


@pytest.mark.parametrize(
    "text",
    [
        "If you use our AI products and features, the Meta AI Terms also apply.",
        "Meta AI is now available in the Instagram app.",
        "We use cookies to improve our service.",
        "Last amended: September 10, 2025",
        "You must not train for competitions on the platform.",
        "Our machine learning team is hiring.",
    ],
)
def test_a_mere_ai_word_is_not_relevant(text):
    rel = score_text(text)
    assert not rel.ai_relevant and rel.score < model().threshold and rel.terms == ()


def test_news_is_judged_on_rights_not_on_ai_product_news():
    assert (
        score_text("Meta trains a new AI model on 15 trillion tokens", news=True).ai_relevant
        is False
    )
    assert score_text(
        "Reddit signs AI training deal with Google over user posts", news=True
    ).ai_relevant


def test_passages_are_bounded_and_clipped_around_the_point():
    long = (
        ("Preamble words. " * 40) + "We may use your content to train AI models." + (" Tail." * 40)
    )
    change = diff_lines(
        ["x"], ["x", *[f"Rule number {n} about accounts." for n in range(30)], long]
    )
    verdict = judge_change(change, max_passages=10)
    assert len(verdict.added) + len(verdict.removed) == 10
    top = [p for p in verdict.added if p.relevance.ai_relevant]
    assert len(top) == 1 and "train AI" in top[0].text and len(top[0].text) <= 400
    assert clip_around("short", ("x",)) == "short"


def test_sentence_split():
    assert sentences("One. Two? (Three.) 4. Five") == ["One.", "Two?", "(Three.)", "4.", "Five"]
