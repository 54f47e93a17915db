"""Fine Print's answers, end to end: the real bot (built as ``python -m bot`` builds it) answers
through the loopback Discord emulator. /terms, /optout, /faq ask, /help, /about, the ``fp:``
buttons and autocomplete, as a member sees them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.present.texts import ENGLISH
from bot.store import feedback

from .conftest import RunningFinePrint, Server
from .emulator import DiscordEmulator, InteractionResult, Message
from .harness import message_bodies

SOUNDCLOUD_QUOTE = "We will not use your content to train generative AI models"


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


def labels(message: Message) -> list[str]:
    return [b["label"] for b in message.buttons()]


async def terms_soundcloud(emulator: DiscordEmulator, server: Server) -> InteractionResult:
    return await emulator.slash(server.bob, server.general, "terms", platform="soundcloud")


# --------------------------------------------------------------------------- /terms


async def test_terms_quotes_the_sourced_clause(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await terms_soundcloud(emulator, server)

    assert r.response_type == 4 and not r.ephemeral  # a public answer, straight away
    [embed] = r.embeds
    assert embed["author"]["name"] == "SoundCloud · AI training"
    got = fields(embed)
    assert SOUNDCLOUD_QUOTE in got["What the Terms of Use say"]
    assert got["What the Terms of Use say"].startswith("> ")  # shown as a quote
    assert got["Effective"] == "21 May 2025"
    assert got["As of"] == "17 August 2026"
    assert "(https://github.com/OpenTermsArchive/" in got["Source"]
    assert embed["url"].startswith("https://github.com/OpenTermsArchive/")
    assert "[Live terms](https://soundcloud.com/terms-of-use)" in embed["description"]
    assert embed["footer"]["text"].endswith("as of 17 August 2026")
    assert labels(r.message) == ["Opt-out steps", "History", "Not what I asked"]


async def test_terms_history_topic_shows_the_timeline(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(
        server.bob, server.general, "terms", platform="soundcloud", topic="history"
    )
    [embed] = r.embeds
    assert embed["title"] == "SoundCloud: what changed and when"
    dates = [
        datetime.strptime(line[2:].split("**")[0], "%d %B %Y").date()
        for line in embed["description"].splitlines()
        if line.startswith("**")
    ]
    assert dates[0] == date(2024, 2, 7) and date(2025, 5, 21) in dates
    assert dates == sorted(dates)  # oldest first
    assert "*replaced*" in embed["description"]  # the February 2024 wording
    assert labels(r.message) == ["Opt-out steps"]


async def test_terms_buttons_answer_the_member_who_clicked(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await terms_soundcloud(emulator, server)

    optout = await emulator.click(server.bob, r.message, label="Opt-out steps")
    assert optout.response_type == 4 and optout.ephemeral
    [card] = optout.embeds
    assert card["author"]["name"] == "SoundCloud · No opt-out"
    assert "opt-in" in card["title"]

    history = await emulator.click(server.bob, r.message, label="History")
    assert history.ephemeral
    assert history.embeds[0]["title"] == "SoundCloud: what changed and when"

    # Anyone in the channel may press the buttons of a public answer.
    other = await emulator.click(server.alice, r.message, label="History")
    assert other.ephemeral and other.message is not None
    assert other.message.interaction is not None and other.message.interaction.user.id == (
        server.alice.id
    )
    assert r.message.history == []  # the answer itself is never edited by a click


async def test_not_what_i_asked_offers_other_answers_not_the_one_shown(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await terms_soundcloud(emulator, server)
    shown = r.embeds[0]["title"]

    alts = await emulator.click(server.bob, r.message, label="Not what I asked")
    assert alts.ephemeral
    [card] = alts.embeds
    assert card["title"] == "Other answers that might fit"
    assert shown not in card["description"]  # the clause the member just read is no answer
    assert "Does SoundCloud train AI on my music?" in card["description"]
    offered = [b["custom_id"] for b in alts.message.buttons()]
    assert offered and all(c.startswith("fp:show:") for c in offered)
    assert "fp:show:clause:soundcloud-tou-2025-genai-consent" not in offered

    # An offer opens its answer (ephemeral too): "1. Does SoundCloud …" shows that entry.
    label = alts.message.buttons()[0]["label"]
    first = await emulator.click(server.bob, alts.message, offered[0])
    assert first.ephemeral and first.embeds[0]["title"] == label.split(". ", 1)[1]


async def test_unknown_platform_is_a_polite_notice(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(server.bob, server.general, "terms", platform="myspace")
    assert r.response_type == 4 and r.ephemeral
    [card] = r.embeds
    assert card["title"] == "Unknown platform"
    assert "“myspace”" in card["description"] and "SoundCloud" in card["description"]
    assert "went wrong" not in r.message.text()


# --------------------------------------------------------------------------- /optout


async def test_optout_youtube_lists_both_cards(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(server.bob, server.general, "optout", platform="youtube")
    assert not r.ephemeral
    third_party, google = r.embeds
    assert third_party["author"]["name"] == "YouTube · Opt-out"
    assert "Third-party" in third_party["title"]
    steps = fields(third_party)["Steps"]
    assert "YouTube Studio" in steps and "Third-party training" in steps
    assert fields(third_party)["Link"].startswith("https://support.google.com/youtube/")
    assert google["author"]["name"] == "YouTube · No opt-out"
    assert "Google" in google["title"]
    assert labels(r.message) == ["History"]


async def test_optout_spotify_says_honestly_there_is_none(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(server.bob, server.general, "optout", platform="spotify")
    [card] = r.embeds
    # Issue 12: Spotify's opt-out rests on "none found", so it is worded as such, not as
    # "there is none" (which only the platform itself could say).
    assert card["author"]["name"] == "Spotify · No opt-out found"
    assert card["title"] == "No AI-training opt-out found"
    assert "Steps" not in fields(card)  # no invented settings path
    assert fields(card)["As of"] == "1 July 2026"


# --------------------------------------------------------------------------- /faq ask


async def test_faq_ask_answers_a_spotify_question(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(
        server.bob, server.general, "faq ask", question="does spotify train ai on my songs"
    )
    assert not r.ephemeral
    [card] = r.embeds  # understood as (Spotify, AI training): the clause curated for it
    assert card["title"] == "Spotify trains its own algorithmic and machine-learning models"
    assert card["author"]["name"].startswith("Spotify · AI training")
    clause = next(v for k, v in fields(card).items() if k.startswith("What the Privacy Policy"))
    assert "training of algorithmic and machine learning models" in clause
    assert labels(r.message) == ["Opt-out steps", "History", "Not what I asked"]

    # "Not what I asked", then the FAQ entry instead: recorded as what the member wanted
    others = await emulator.click(server.bob, r.message, label="Not what I asked")
    assert others.ephemeral and others.message is not None
    wanted = next(label for label in labels(others.message) if "Does Spotify train AI" in label)
    picked = await emulator.click(server.bob, others.message, label=wanted)
    assert picked.embeds[0]["title"] == "Does Spotify train AI on my music?"
    [row] = await feedback.list_feedback(fineprint.app.db)
    assert (row.query, row.shown_kind, row.chosen_kind) == (
        "does spotify train ai on my songs",
        "clause",
        "faq",
    )

    optout = await emulator.click(server.bob, r.message, label="Opt-out steps")
    assert optout.ephemeral and optout.embeds[0]["title"] == "No AI-training opt-out found"


async def test_faq_ask_off_topic_says_what_the_bot_answers_and_gives_no_wrong_answer(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(server.bob, server.general, "faq ask", question="how do i mix vocals")
    [card] = r.embeds
    assert card["title"] == "I answer questions about platforms' AI terms"
    assert "/terms soundcloud" in card["description"]  # commands to try instead
    assert "Did you mean" not in card["description"]
    assert r.message.buttons() == []  # nothing to press that would show a wrong answer
    assert "fields" not in card  # and no quoted clause


# --------------------------------------------------------------------------- autocomplete


async def test_platform_autocomplete(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.autocomplete(
        server.bob, server.general, "terms", focused="platform", platform="soun"
    )
    assert r.response_type == 8
    assert r.choices is not None and r.choices[0] == {"name": "SoundCloud", "value": "soundcloud"}

    everything = await emulator.autocomplete(
        server.bob, server.general, "terms", focused="platform", platform=""
    )
    assert everything.choices is not None
    assert 1 < len(everything.choices) <= 25
    # Nothing typed: the first 25 platforms by name (more than 25 exist); typing narrows them.
    names = [c["name"] for c in everything.choices]
    assert names == sorted(names, key=str.lower)
    narrowed = await emulator.autocomplete(
        server.bob, server.general, "terms", focused="platform", platform="you"
    )
    assert narrowed.choices is not None
    assert {"name": "YouTube", "value": "youtube"} in narrowed.choices

    # The value the member picks is what /terms receives.
    picked = await emulator.slash(
        server.bob, server.general, "terms", platform=r.choices[0]["value"]
    )
    assert SOUNDCLOUD_QUOTE in picked.message.text()


async def test_faq_question_autocomplete(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    empty = await emulator.autocomplete(
        server.bob, server.general, "faq ask", focused="question", question=""
    )
    assert empty.choices is not None and 0 < len(empty.choices) <= 25

    spotify = await emulator.autocomplete(
        server.bob, server.general, "faq ask", focused="question", question="spotify"
    )
    assert spotify.choices is not None and 0 < len(spotify.choices) <= 25
    assert "Does Spotify train AI on my music?" in [c["value"] for c in spotify.choices]
    assert all("Spotify" in c["name"] for c in spotify.choices)


# --------------------------------------------------------------------------- /help, /about


async def test_help(emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server) -> None:
    r = await emulator.slash(server.bob, server.general, "help")
    assert r.ephemeral
    [card] = r.embeds
    assert card["title"] == "Fine Print — help"
    for command in ("/terms platform", "/optout platform", "/faq ask question", "/config modrole"):
        assert command in card["description"]


async def test_about_shows_version_and_database_freshness(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    r = await emulator.slash(server.bob, server.general, "about")
    [card] = r.embeds
    got = fields(card)
    assert got["Version"] == fineprint.app.version
    oldest = fineprint.app.kb.oldest_verified()
    assert oldest is not None
    assert f"**{ENGLISH.date(oldest)}**" in got["Database freshness"]
    assert got["Platforms"] == str(len(fineprint.app.kb.platforms))


# --------------------------------------------------------------------------- no pings


async def test_no_answer_can_ping_anyone(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    g, bob = server.general, server.bob
    answers = [
        await terms_soundcloud(emulator, server),
        await emulator.slash(bob, g, "terms", platform="@everyone <@&1> <@1>"),  # echoed back
        await emulator.slash(bob, g, "optout", platform="youtube"),
        await emulator.slash(bob, g, "faq ask", question="@everyone does spotify train ai"),
        await emulator.slash(bob, g, "faq ask", question="how do i mix vocals"),
        await emulator.slash(bob, None, "faq ask", question="does soundcloud train ai"),  # DM
        await emulator.slash(bob, g, "help"),
        await emulator.slash(bob, g, "about"),
        await emulator.slash(server.alice, g, "config modrole", role=server.mods),  # <@&id>
    ]
    answers.append(await emulator.click(bob, answers[0].message, label="Not what I asked"))
    answers.append(await emulator.click(bob, answers[0].message, label="Opt-out steps"))

    bodies = list(message_bodies(emulator))
    assert len(bodies) == len(answers)  # every answer went through the recorded requests
    for where, body in bodies:
        assert body["allowed_mentions"] == {"parse": []}, where
    for r in answers:
        assert r.message is not None and not r.message.pings, r.label
    assert "<@&" in answers[-3].message.text()  # the role is named, but nobody is pinged
