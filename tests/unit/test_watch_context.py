"""A changed sentence read with its section (bot.watch.context).

Lawyers define a use once and refer to it afterwards: an opt-out added for "the uses described in
Section 4" — or withdrawn — is about AI when Section 4 is, though it says no AI word itself. The
sentences here are written for these tests (not taken from the corpus, the labels or
``rule_examples.toml``); whether a context counts is fitted, so these check that the fitted
model gives an explicit reference its weight and a mere pointer none.
"""

from __future__ import annotations

import pytest

from bot.watch.context import REFERENCE, SECTION, Document, heading
from bot.watch.diff import diff_lines
from bot.watch.relevance import judge_change
from bot.watch.relevance_lexicon import model

AI_USE = "We analyse the songs you upload and use them to train models that compose new music."
PAYMENTS = "Payouts are sent on the fifteenth of each month."


def page(*sections: tuple[str, list[str]]) -> list[str]:
    lines: list[str] = ["# Terms of Service"]
    for title, body in sections:
        lines += [title, *body]
    return lines


def judged(old: list[str], new: list[str], *, context: bool = True) -> bool:
    change = diff_lines(old, new)
    documents = (old, new) if context else None
    return judge_change(change, documents=documents).relevance.ai_relevant


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("## 4. Product research", "4. Product research"),
        ("**User Uploads and Activity**", "User Uploads and Activity"),
        ("**Your Choices.**", "Your Choices."),
        ("We only act on a **written** request.", None),
        ("**" + "very long bold paragraph " * 10 + "**", None),
    ],
)
def test_headings_are_markdown_or_a_line_bold_as_a_whole(line, expected):
    assert heading(line) == expected


def test_a_sentence_names_a_section_by_number_or_by_its_heading():
    doc = Document(
        page(
            ("## 4. Product research", [AI_USE]),
            ("## 5. Payments", [PAYMENTS]),
            ("## 6. Your choices", ["See Section 4.", "See the Product Research section."]),
        ),
        model(),
    )
    assert doc.context("See Section 4.") == {REFERENCE}
    assert doc.context("See the Product Research section.") == {REFERENCE}
    assert doc.context(PAYMENTS) == frozenset()  # a section with no AI sentence
    assert SECTION not in doc.context(AI_USE)  # its section holds no OTHER AI sentence


OPT_OUT = "You can exclude your uploads from the uses described in Section 4 in your settings."


def test_an_opt_out_for_a_use_defined_in_another_section_is_about_ai():
    base = [("## 4. Product research", [AI_USE]), ("## 5. Payments", [PAYMENTS])]
    old, new = page(*base), page(*base, ("## 6. Your choices", [OPT_OUT]))
    assert judged(old, new)
    assert judged(new, old)  # the opt-out withdrawn
    assert not judged(old, new, context=False)  # the sentence alone says no AI word


def test_an_opt_out_named_by_the_section_heading_is_about_ai():
    base = [("**Product Research**", [AI_USE]), ("**Payments**", [PAYMENTS])]
    choice = "You may exclude your uploads from the uses set out under Product Research."
    assert judged(page(*base), page(*base, ("**Your Choices**", [choice])))


def test_a_bare_opt_out_pointing_at_the_ai_section_is_about_ai():
    base = [("## 4. Product research", [AI_USE]), ("## 5. Payments", [PAYMENTS])]
    bare = "You can switch off the uses described in Section 4 in your account settings."
    assert judged(page(*base), page(*base, ("## 6. Your choices", [bare])))


def test_the_same_opt_out_pointing_at_a_section_with_no_ai_is_not():
    surveys = ("## 4. Product research", ["We run surveys about new features."])
    base = [surveys, ("## 5. Payments", [PAYMENTS])]
    assert not judged(page(*base), page(*base, ("## 6. Your choices", [OPT_OUT])))


def test_a_fee_that_points_at_the_ai_section_is_not_about_ai():
    base = [("## 4. Product research", [AI_USE]), ("## 5. Payments", [PAYMENTS])]
    fee = ("## 7. Fees", ["Prices for the tools described in Section 4 are on the pricing page."])
    assert not judged(page(*base), page(*base, fee))


@pytest.mark.parametrize(
    ("use", "choice"),
    [
        (
            "Analizziamo i brani caricati per addestrare modelli che compongono nuova musica.",
            "Puoi escludere i tuoi contenuti dagli utilizzi descritti nella sezione 4 nelle "
            "impostazioni.",
        ),
        (
            "Wir analysieren hochgeladene Songs, um Modelle zu trainieren, die neue Musik "
            "komponieren.",
            "Sie können der in Abschnitt 4 beschriebenen Verwendung Ihrer Inhalte in den "
            "Einstellungen widersprechen.",
        ),
        (
            "Nous analysons les morceaux mis en ligne pour entraîner des modèles qui composent "
            "de la musique.",
            "Vous pouvez exclure vos contenus des utilisations décrites à l'article 4 dans les "
            "paramètres.",
        ),
    ],
)
def test_references_in_other_languages(use, choice):
    base = [("## 4.", [use]), ("## 5.", [PAYMENTS])]
    assert judged(page(*base), page(*base, ("## 6.", [choice])))
