"""Fine Print in seven languages, as members and servers meet it through Discord.

- Members whose Discord speaks French, Italian, Indonesian, German, Spanish (Spain) or
  Portuguese (Brazil) get ``/terms`` and ``/optout`` in their language: labels, buttons, dates
  the way they write them — and the quote verbatim, labelled with its language.
- The synced commands carry descriptions and choice names in the six other languages (names
  stay English), within Discord's limits.
- A server whose Discord language is Italian gets its alerts in Italian; ``/config language``
  and a channel's own ``language`` override that.
- A member's own install of Fine Print (user install) answers in a DM between users, where the
  bot is not; the moderators' commands are not offered there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bot.knowledge.language import detect
from bot.present.texts import Texts

from tests.integration.conftest import FakeWeb

from . import contract
from .conftest import RunningFinePrint, Server, StartFinePrint
from .emulator import MANAGE_GUILD, CommandNotVisible, DiscordEmulator
from .watched import (
    AI_PASSAGE,
    AI_PASSAGE_2,
    LICENSE,
    TERMS,
    Outbox,
    serve_page,
    terms_source,
    watching,
)

# Discord's locale tags → Fine Print's locale, and a word of the rendered text that proves it.
MEMBERS = {
    "fr": ("fr", "août"),
    "it": ("it", "agosto"),
    "id": ("id", "Agustus"),
    "de": ("de", "August"),
    "es-ES": ("es", "agosto"),
    "pt-BR": ("pt", "agosto"),
}
PUBLISHED = ("fr", "it", "es-ES", "es-419", "de", "pt-BR", "id")  # Discord tags we localize


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def buttons(message: Any) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


def texts(fp: RunningFinePrint, locale: str) -> Texts:
    t = fp.app.languages.texts(locale)
    assert t.lang == locale
    return t


@pytest.mark.parametrize("discord_locale", list(MEMBERS))
async def test_members_get_terms_and_optout_in_their_language(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server, discord_locale: str
) -> None:
    locale, month = MEMBERS[discord_locale]
    t = texts(fineprint, locale)
    member = emulator.add_member(server.guild, f"member-{locale}", locale=discord_locale)

    r = await emulator.slash(member, server.general, "terms", platform="soundcloud")
    [embed] = r.embeds
    got = fields(embed)
    assert got[t("clause.since.effective")] == t.date(date(2025, 5, 21))
    assert month in got[t("answer.as_of")]
    quoted = t("clause.quoted_from", language=t.language("en"), document=t.document("Terms of Use"))
    assert "We will not use your content to train generative AI models" in got[quoted]
    assert buttons(r.message) == [t("button.optout"), t("button.history"), t("button.not_asked")]
    assert embed["author"]["name"] == f"SoundCloud · {t.topic('ai-training')}"
    assert t("answer.check_live") in embed["description"]

    r = await emulator.slash(member, server.general, "optout", platform="youtube")
    labels = [f["name"] for e in r.embeds for f in e.get("fields", [])]
    assert t("answer.as_of") in labels and t("answer.source") in labels
    assert buttons(r.message) == [t("button.history")]
    # The knowledge text is the member's language too, and so are the words around it.
    titles = [e.get("title", "") for e in r.embeds]
    opt = fineprint.app.kb.optouts["youtube-third-party-training"]
    assert t.kb("optout", opt.id, "title", opt.title) != opt.title
    assert t.kb("optout", opt.id, "title", opt.title) in " ".join(titles)
    assert "As of" not in " ".join([*labels, r.embeds[0]["footer"]["text"]])


async def test_an_unknown_or_english_locale_gets_english(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    for discord_locale in ("en-GB", "ja", "es-419"):
        member = emulator.add_member(server.guild, f"m-{discord_locale}", locale=discord_locale)
        r = await emulator.slash(member, server.general, "optout", platform="youtube")
        names = [f["name"] for e in r.embeds for f in e.get("fields", [])]
        expected = "Actualizado a" if discord_locale == "es-419" else "As of"
        assert expected in names, (discord_locale, names)


async def test_refusals_and_help_speak_the_members_language(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    t = texts(fineprint, "id")
    member = emulator.add_member(server.guild, "budi", locale="id")
    r = await emulator.slash(
        member, server.general, "config modrole", role=server.mods, visibility_check=False
    )
    assert r.embeds[0]["description"] == t("error.not_moderator")
    r = await emulator.slash(member, server.general, "help")
    assert r.embeds[0]["title"] == t("help.title")
    assert detect(r.embeds[0]["description"].split("Topik")[0]) in ("id", None)


async def test_synced_commands_are_described_in_all_six_other_languages(
    emulator: DiscordEmulator, fineprint: RunningFinePrint
) -> None:
    [put] = emulator.requests_to("PUT", rf"/applications/{emulator.application_id}/commands")
    sent: list[dict[str, Any]] = put.json
    assert contract.validate_commands(sent) == []  # lengths of every localization included
    assert contract.missing_localizations(sent, PUBLISHED) == []
    de = texts(fineprint, "de")
    terms = next(c for c in sent if c["name"] == "terms")
    assert terms["description_localizations"]["de"] == de("cmd.terms")
    assert terms["description_localizations"]["pt-BR"] == texts(fineprint, "pt")("cmd.terms")
    topic = next(o for o in terms["options"] if o["name"] == "topic")
    training = next(c for c in topic["choices"] if c["value"] == "ai-training")
    assert training["name_localizations"]["id"] == "Pelatihan AI"
    # Names stay English, so examples and docs work for everyone.
    assert all(not c.get("name_localizations") for c in sent)
    assert all(not o.get("name_localizations") for c in sent for o in c.get("options") or [])
    # The check is not vacuous: one locale dropped and it says so.
    terms["description_localizations"].pop("it")
    assert [v.path for v in contract.missing_localizations(sent, PUBLISHED)] == [
        f"[{sent.index(terms)}].description_localizations"
    ]


async def test_an_italian_server_gets_its_alerts_in_italian(
    emulator: DiscordEmulator,
    start_fineprint: StartFinePrint,
    web: FakeWeb,
    tmp_path: Path,
) -> None:
    guild = emulator.add_guild("Produttori", locale="it")
    general = emulator.add_text_channel(guild, "generale")
    italian = emulator.add_text_channel(guild, "avvisi")
    german = emulator.add_text_channel(guild, "warnungen")
    mods = emulator.add_role(guild, "Mod", permissions=MANAGE_GUILD)
    anna = emulator.add_member(guild, "anna", roles=[mods], locale="en-US")
    serve_page(web, TERMS, LICENSE)
    fp = await start_fineprint(env=watching(tmp_path, terms_source(web)))
    it, de = texts(fp, "it"), texts(fp, "de")

    # anna's Discord is English: she is answered in English, the server's alerts are Italian.
    r = await emulator.slash(anna, general, "alerts subscribe", channel=italian)
    assert r.embeds[0]["title"] == "Alerts subscribed"
    r = await emulator.slash(
        anna, general, "alerts subscribe", channel=german, options={"language": "de"}
    )
    assert "German" in r.embeds[0]["description"]
    await Outbox(fp.app.db).wait_baseline("soundcloud-terms")

    serve_page(web, TERMS, LICENSE, AI_PASSAGE)
    [alert] = await fp.app.watcher.poll_once()
    await Outbox(fp.app.db).wait_delivered()
    [in_italian] = emulator.channel_messages(italian)
    [in_german] = emulator.channel_messages(german)
    card = in_italian.embeds[0]
    training = "alert.headline.ai-training.added.permits"
    assert card["title"] == it(
        training, platform="SoundCloud", what=it("alert.headline.whose.content")
    )
    assert f"```diff\n+ {AI_PASSAGE}\n```" in card["description"]  # quoted as it was written
    assert [f["name"] for f in card["fields"]] == [it("alert.links")]
    assert card["fields"][0]["value"].startswith(f"[{it('alert.link.page')}](")
    assert it("alert.kind.terms-change") in card["footer"]["text"]
    assert in_german.embeds[0]["title"] == de(
        training, platform="SoundCloud", what=de("alert.headline.whose.content")
    )

    # /config language overrides the server's Discord language for the channels without one.
    r = await emulator.slash(anna, general, "config language", language="es")
    assert "Spanish" in r.embeds[0]["description"]
    serve_page(web, TERMS, LICENSE, AI_PASSAGE, AI_PASSAGE_2)
    await fp.app.watcher.poll_once()
    await Outbox(fp.app.db).wait_delivered()
    latest = emulator.channel_messages(italian)[-1]
    es = texts(fp, "es")
    assert latest.embeds[0]["title"] == es(
        "alert.headline.third-party.added.permits",
        platform="SoundCloud",
        what=es("alert.headline.whose.content"),
    )
    assert emulator.channel_messages(german)[-1].embeds[0]["fields"][0]["name"] == de("alert.links")
    assert alert.title  # the alert itself (from the page) is not translated


async def test_a_user_install_answers_in_a_dm_between_users(
    emulator: DiscordEmulator, fineprint: RunningFinePrint, server: Server
) -> None:
    friend = emulator.add_member(server.guild, "chloe")
    dm = emulator.private_channel(server.bob, friend)
    r = await emulator.slash(
        server.bob, dm, "faq ask", question="can i opt out of youtube ai training", locale="fr"
    )
    assert "guild_id" not in r.payload and r.payload["context"] == 2
    assert r.payload["authorizing_integration_owners"] == {"1": str(server.bob.id)}
    # An opt-out question gets YouTube's opt-outs (the structured answer), in a French frame
    # around English knowledge texts until the French knowledge catalog exists.
    assert r.embeds and all(e["author"]["name"].startswith("YouTube · ") for e in r.embeds)
    fr = texts(fineprint, "fr")
    assert fr("optout.kind.yes") in r.embeds[0]["author"]["name"]
    assert fr("button.history") in buttons(r.message)

    r = await emulator.slash(server.bob, dm, "terms", platform="sc")
    assert "We will not use your content" in str(r.embeds[0]["fields"])
    for command in ("help", "about"):
        assert (await emulator.slash(server.bob, dm, command)).embeds

    r = await emulator.slash(server.bob, dm, "faq suggest", question="is udio safe for my vocals")
    assert r.ephemeral and "server" in r.embeds[0]["description"]
    for guild_only in ("faqmod add", "alerts list", "config modrole", "feeds list"):
        with pytest.raises(CommandNotVisible):
            await emulator.slash(server.bob, dm, guild_only)
