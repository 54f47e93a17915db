"""How schema v2 facts reach the member: opt-out wording, dated clauses, FAQ quotes, absences."""

from __future__ import annotations

from bot import present
from bot.present import answers


def fields(card) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.name: f.value for f in card.fields}


async def test_optout_cards_say_yes_no_and_none_found_differently(app) -> None:
    authors = {
        oid: answers.optout_card(await app.item("optout", oid)).author
        for oid in ("youtube-third-party-training", "soundcloud-no-genai-optout",
                    "spotify-no-optout-found")
    }  # fmt: skip
    assert authors == {
        "youtube-third-party-training": "YouTube · Opt-out",
        "soundcloud-no-genai-optout": "SoundCloud · No opt-out",
        "spotify-no-optout-found": "Spotify · No opt-out found",
    }


async def test_clause_card_dates_by_basis_and_shows_the_region(app) -> None:
    deviantart = answers.clause_card(await app.item("clause", "deviantart-tos-noai-directive"))
    assert fields(deviantart)["Appeared"] == "between 20 September 2022 and 7 April 2024"
    tiktok = fields(answers.clause_card(await app.item("clause", "tiktok-eea-tos-license")))
    assert tiktok["First recorded"] == "25 June 2025"
    assert tiktok["Applies to"] == "EEA, UK, Switzerland"
    instagram = fields(answers.clause_card(await app.item("clause", "meta-instagram-tos-license")))
    assert instagram["Applies to"] == "Instagram"


async def test_faq_card_shows_the_quotes_of_its_clauses(app) -> None:
    entry = app.kb.faq["soundcloud-license"]
    card = answers.faq_card(await app.item("faq", entry.id))
    shown = "\n".join(f.value for f in card.fields)
    for cid in entry.clauses:
        clause = app.kb.clauses[cid]
        assert clause.quote[:120] in shown  # rendered from the clause, not retyped
        assert clause.source_url in shown
    assert card.url == app.kb.clauses[entry.clauses[0]].source_url  # no links: the clause's


async def test_terms_without_a_clause_names_the_documents_that_had_none(app) -> None:
    reply = present.render(await app.terms("meta", "third-party"))
    [card] = reply.cards
    assert "No AI clause found in the [Threads Terms of Use](" in card.description
    assert "as of 29 June 2026" in card.description


async def test_terms_of_an_unarchived_platform_say_nothing_is_verified_not_none_found(app) -> None:
    # Suno's terms are not archived: only research sources were read. The member must not be
    # told "no AI clause found" (no document was read), nor be given a date nobody checked.
    [card] = present.render(await app.terms("suno")).cards
    absence = app.kb.absences["suno-terms-no-verified-clause"]
    assert (
        "I have no verified clause from Suno's Terms of Service: they are not archived where I "
        f"can quote them, and the [sources I read]({absence.source_url}) give no exact, dated "
        "wording."
    ) in card.description
    assert "unverified" in card.description  # the research's own finding, from the note
    assert "No AI clause found" not in card.description and " as of " not in card.description
    for pid in ("deezer", "patreon", "udio"):
        [card] = present.render(await app.terms(pid, "license")).cards
        name = app.kb.platforms[pid].name
        assert f"I have no verified clause from {name}'s " in card.description, pid
