"""Phase 1: prove the loopback Discord emulator with a tiny bot defined here.

The bot is a real ``commands.Bot``; it talks to the emulator over HTTP and a websocket exactly as
it would talk to Discord. Each test builds a small guild, starts the bot, and acts as a user.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route as HttpRoute

from .contract import validate_commands
from .emulator import (
    MANAGE_GUILD,
    Channel,
    CommandNotVisible,
    DiscordEmulator,
    EmulatorTimeout,
    Guild,
    Member,
    Role,
)
from .harness import pointed_at

PLATFORMS = [
    "soundcloud", "bandcamp", "spotify", "youtube", "tiktok", "instagram", "twitch", "deezer",
    "tidal", "audiomack", "mixcloud", "beatport", "splice", "distrokid", "tunecore", "cdbaby",
    "reverbnation", "patreon", "kofi", "vimeo", "facebook", "threads", "bluesky", "mastodon",
    "reddit", "apple-music", "amazon-music", "napster", "suno", "udio",
]  # fmt: skip
EXPORT = b'[[faq]]\nquestion = "Can SoundCloud train on my tracks?"\nanswer = "Opt out."\n'


# --------------------------------------------------------------------------- the tiny bot


class AskModal(discord.ui.Modal):
    question: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Question", style=discord.TextStyle.paragraph, max_length=500
    )
    contact: discord.ui.Label[AskModal] = discord.ui.Label(
        text="Contact",
        component=discord.ui.TextInput(
            custom_id="contact", required=False, default="in the thread"
        ),
    )

    def __init__(self, platform: str) -> None:
        super().__init__(title=f"Ask about {platform}", custom_id=f"ask-modal:{platform}")
        self.platform = platform

    async def on_submit(self, interaction: discord.Interaction) -> None:
        contact = self.contact.component
        assert isinstance(contact, discord.ui.TextInput)
        await interaction.response.send_message(
            f"Question about {self.platform} received: {self.question.value} "
            f"(contact: {contact.value or 'none'})",
            ephemeral=True,
        )


def terms_embed(platform: str, revision: int = 1) -> discord.Embed:
    embed = discord.Embed(
        title=f"{platform} AI terms",
        description=f"What {platform} may do with your uploads (revision {revision}).",
        url=f"https://example.com/terms/{platform}",
        color=0x5865F2,
    )
    embed.add_field(name="Training", value="Allowed unless you opt out.")
    embed.set_footer(text="last verified 2025-01-01")
    return embed


class TermsView(discord.ui.View):
    def __init__(self, platform: str) -> None:
        super().__init__(timeout=60)
        self.platform = platform
        self.revision = 1

    @discord.ui.button(label="Ask a question", custom_id="terms:ask")
    async def ask(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(AskModal(self.platform))

    @discord.ui.button(label="Refresh", custom_id="terms:refresh")
    async def refresh(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.revision += 1
        await interaction.response.edit_message(
            embed=terms_embed(self.platform, self.revision), view=self
        )


class FragileView(discord.ui.View):
    @discord.ui.button(label="Crash", custom_id="fragile:crash", style=discord.ButtonStyle.danger)
    async def crash(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("about to fail", ephemeral=True)
        raise RuntimeError("unhandled error in a view callback")


@app_commands.command(name="terms", description="Show a platform's AI terms")
@app_commands.describe(platform="The platform, e.g. soundcloud")
async def terms(interaction: discord.Interaction, platform: str) -> None:
    await interaction.response.send_message(embed=terms_embed(platform), view=TermsView(platform))


@terms.autocomplete("platform")
async def terms_platform(interaction: discord.Interaction, current: str) -> list[Any]:
    matches = [p for p in PLATFORMS if current.lower() in p]
    return [app_commands.Choice(name=p, value=p) for p in matches][:25]


@app_commands.command(name="pick", description="Autocomplete that ignores the 25-choice limit")
async def pick(interaction: discord.Interaction, platform: str) -> None:
    await interaction.response.send_message(platform)


@pick.autocomplete("platform")
async def pick_platform(interaction: discord.Interaction, current: str) -> list[Any]:
    return [app_commands.Choice(name=p, value=p) for p in PLATFORMS]  # 30: too many


faq = app_commands.Group(name="faq", description="Frequently asked questions")
faq_admin = app_commands.Group(name="admin", description="Manage entries", parent=faq)


@faq.command(name="ask", description="Ask a question")
async def faq_ask(interaction: discord.Interaction, question: str) -> None:
    await interaction.response.send_message(f"Q: {question}\nA: it depends.", ephemeral=True)


@faq.command(name="list", description="List entries")
async def faq_list(
    interaction: discord.Interaction, page: app_commands.Range[int, 1, 10] = 1
) -> None:
    await interaction.response.send_message(f"FAQ page {page}", ephemeral=True)


@faq_admin.command(name="remove", description="Remove an entry")
async def faq_admin_remove(interaction: discord.Interaction, entry: str) -> None:
    await interaction.response.send_message(f"removed {entry}", ephemeral=True)


@app_commands.command(name="announce", description="Post a notice in a channel")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def announce(
    interaction: discord.Interaction, channel: discord.TextChannel, text: str
) -> None:
    try:
        message = await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.Forbidden as exc:
        await interaction.response.send_message(
            f"I can't post in {channel.mention} (Discord error {exc.code}).", ephemeral=True
        )
        return
    await interaction.response.send_message(f"Posted {message.jump_url}", ephemeral=True)


@app_commands.command(name="export", description="Export the FAQ as a file")
async def export(interaction: discord.Interaction, deferred: bool = True) -> None:
    if not deferred:
        file = discord.File(io.BytesIO(EXPORT), filename="faq-export.toml")
        await interaction.response.send_message("Export:", file=file, ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    await asyncio.sleep(0.05)  # "work"
    await interaction.followup.send(
        "Here is your export.",
        file=discord.File(io.BytesIO(EXPORT), filename="faq-export.toml"),
        ephemeral=True,
    )


@app_commands.command(name="whois", description="Echo typed options back")
async def whois(
    interaction: discord.Interaction,
    member: discord.Member,
    role: discord.Role,
    channel: discord.TextChannel,
    count: int,
    loud: bool,
    file: discord.Attachment | None = None,
) -> None:
    body = (await file.read()).decode() if file else ""
    await interaction.response.send_message(
        f"{member.display_name}|{role.name}|#{channel.name}|{count + 1}|{loud}|{body}"
    )


@app_commands.command(name="boom", description="Always fails")
async def boom(interaction: discord.Interaction) -> None:
    raise ValueError("kaboom")


@app_commands.command(name="fragile", description="Shows a button whose callback crashes")
async def fragile(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("careful", view=FragileView())


@app_commands.command(name="pins", description="Uses a route the emulator lacks")
async def pins(interaction: discord.Interaction) -> None:
    assert isinstance(interaction.channel, discord.TextChannel)
    found = [m async for m in interaction.channel.pins()]
    await interaction.response.send_message(f"{len(found)} pins")


@app_commands.command(name="steps", description="Edits its response and a follow-up")
async def steps(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("step 1")
    await interaction.edit_original_response(content="step 2")
    extra = await interaction.followup.send("extra", wait=True)
    await extra.edit(content="extra, edited")
    original = await interaction.original_response()
    await interaction.followup.send(f"original says {original.content!r}", ephemeral=True)


class ChooseView(discord.ui.View):
    @discord.ui.select(
        custom_id="choose:platforms",
        min_values=1,
        max_values=2,
        options=[discord.SelectOption(label=p, value=p) for p in PLATFORMS[:5]],
    )
    async def platforms(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"chosen: {', '.join(select.values)}")

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="choose:user")
    async def user(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        [picked] = select.values
        await interaction.response.send_message(f"user: {picked.display_name}", ephemeral=True)


@app_commands.command(name="choose", description="Shows select menus")
async def choose(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("choose", view=ChooseView())


@app_commands.context_menu(name="Profile")
async def profile(interaction: discord.Interaction, member: discord.Member) -> None:
    await interaction.response.send_message(f"{member.display_name}'s profile", ephemeral=True)


@app_commands.command(name="slow", description="Answers after Discord's deadline")
async def slow(interaction: discord.Interaction) -> None:
    await asyncio.sleep(0.3)
    await interaction.response.send_message("finally")


COMMANDS: tuple[Any, ...] = (
    terms, pick, faq, announce, export, whois, boom, fragile, pins, steps, choose, profile, slow,
)  # fmt: skip


class TinyBot(commands.Bot):
    def __init__(self, *extra: app_commands.Command[Any, ..., Any]) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
        )
        self.extra = extra
        self.seen: list[discord.Message] = []
        self.resumed = asyncio.Event()
        self.joined: list[str] = []
        self.left: list[str] = []

    async def setup_hook(self) -> None:
        for cmd in (*COMMANDS, *self.extra):
            self.tree.add_command(cmd)
        self.tree.on_error = self.on_tree_error

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.joined.append(guild.name)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.left.append(guild.name)

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        text = f"Something went wrong ({type(original).__name__})."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:  # e.g. the interaction already expired
            logging.getLogger("tinybot").warning("could not report an error: %s", exc)


# --------------------------------------------------------------------------- fixtures


@dataclass
class World:
    guild: Guild
    general: Channel
    alerts: Channel
    locked: Channel
    mods: Role
    alice: Member  # a moderator
    bob: Member


@pytest.fixture
def world(emulator: DiscordEmulator) -> World:
    guild = emulator.add_guild("Beat Makers")
    general = emulator.add_text_channel(guild, "general")
    alerts = emulator.add_text_channel(guild, "alerts", bot_can_send=True)
    locked = emulator.add_text_channel(guild, "locked", bot_can_send=False)
    mods = emulator.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    alice = emulator.add_member(guild, "alice", roles=[mods])
    bob = emulator.add_member(guild, "bob")
    return World(guild, general, alerts, locked, mods, alice, bob)


@pytest.fixture
async def bot(start_bot: Any, world: World) -> TinyBot:
    return await start_bot(TinyBot())


# --------------------------------------------------------------------------- tests


async def test_login_sync_ready_and_guild_create(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    paths = [(r.method, r.path) for r in emulator.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert ("PUT", f"/applications/{emulator.application_id}/commands") in paths

    synced = {c["name"]: c for c in emulator.synced_commands()}
    assert set(synced) == {c.name for c in COMMANDS}
    assert synced["Profile"]["type"] == 2  # user context menu
    assert synced["announce"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert all(c["id"].isdigit() for c in synced.values())

    assert emulator.identify_count == 1
    assert emulator.gateway_connections[0].query["encoding"] == "json"
    assert bot.user is not None and bot.user.id == emulator.bot_user.id
    assert bot.application_id == emulator.application_id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Beat Makers"
    assert {c.name for c in guild.text_channels} == {"general", "alerts", "locked"}
    assert guild.me.guild_permissions.send_messages
    locked = guild.get_channel(world.locked.id)
    assert isinstance(locked, discord.TextChannel)
    assert not locked.permissions_for(guild.me).send_messages
    assert guild.member_count == 4  # owner, bot, alice, bob


async def test_responses_are_exactly_application_json(
    emulator: DiscordEmulator, world: World
) -> None:
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bot {emulator.token}"}
        async with http.get(f"{emulator.api_base}/users/@me", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
        async with http.get(f"{emulator.api_base}/users/@me") as resp:
            assert resp.status == 401


async def test_slash_command_replies_with_embed_and_view(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "terms", platform="soundcloud")

    assert r.response_type == 4
    assert r.message is not None and not r.ephemeral
    assert r.embeds[0]["title"] == "soundcloud AI terms"
    assert r.embeds[0]["fields"][0]["name"] == "Training"
    assert [b["label"] for b in r.message.buttons()] == ["Ask a question", "Refresh"]
    assert r.message in emulator.channel_messages(world.general)


async def test_autocomplete_answers_at_most_25_choices(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    everything = await emulator.autocomplete(
        world.bob, world.general, "terms", focused="platform", platform=""
    )
    assert everything.response_type == 8
    assert everything.choices is not None and len(everything.choices) == 25

    narrowed = await emulator.autocomplete(
        world.bob, world.general, "terms", focused="platform", platform="soun"
    )
    assert narrowed.choices == [{"name": "soundcloud", "value": "soundcloud"}]


async def test_autocomplete_over_the_limit_is_rejected(
    emulator: DiscordEmulator, world: World, bot: TinyBot, bot_log: Any
) -> None:
    with pytest.raises(EmulatorTimeout, match="at most 25 choices"):
        await emulator.autocomplete(world.bob, world.general, "pick", focused="platform")
    errors = emulator.take_contract_errors()
    assert len(errors) == 1 and "at most 25 choices (got 30)" in str(errors[0])
    assert any("autocomplete" in t for t in bot_log.take())  # discord.py logged the 400


async def test_button_opens_modal_and_submit_answers(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    shown = await emulator.slash(world.bob, world.general, "terms", platform="bandcamp")
    assert shown.message is not None

    opened = await emulator.click(world.bob, shown.message, "terms:ask")
    assert opened.response_type == 9
    assert opened.modal is not None and opened.modal["title"] == "Ask about bandcamp"

    answered = await emulator.submit_modal(
        world.bob, None, opened, {"Question": "Can they train on my loops?", "contact": "bob@x"}
    )
    assert answered.response_type == 4 and answered.ephemeral
    assert answered.content == (
        "Question about bandcamp received: Can they train on my loops? (contact: bob@x)"
    )
    sent = answered.payload["data"]["components"]
    assert sent[0]["type"] == 1 and sent[1]["type"] == 18  # action row + label, as shown


async def test_button_updates_its_message(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    shown = await emulator.slash(world.bob, world.general, "terms", platform="tidal")
    assert shown.message is not None
    r = await emulator.click(world.bob, shown.message, label="Refresh")
    assert r.response_type == 7
    assert r.message is shown.message and shown.message.edited
    assert "revision 2" in shown.message.embeds[0]["description"]


async def test_subcommands_and_groups_resolve_by_name(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "faq ask", question="is it legal?")
    assert r.content == "Q: is it legal?\nA: it depends."
    assert r.payload["data"]["options"][0] == {
        "type": 1,
        "name": "ask",
        "options": [{"name": "question", "type": 3, "value": "is it legal?"}],
    }

    r = await emulator.slash(world.bob, world.general, "faq list", page=3)
    assert r.content == "FAQ page 3"
    r = await emulator.slash(world.alice, world.general, "faq admin remove", entry="x")
    assert r.content == "removed x"

    with pytest.raises(Exception, match="needs a subcommand"):
        await emulator.slash(world.bob, world.general, "faq")
    with pytest.raises(Exception, match=r"a value in \[1, 10\]"):
        await emulator.slash(world.bob, world.general, "faq list", page=11)


async def test_options_are_typed_from_the_synced_command(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    upload = emulator.upload("notes.txt", b"hello from the cdn")
    r = await emulator.slash(
        world.alice,
        world.general,
        "whois",
        member=world.bob,
        role=world.mods,
        channel=world.alerts,
        count=41,
        loud=True,
        file=upload,
    )
    assert r.content == "bob|Mods|#alerts|42|True|hello from the cdn"
    resolved = r.payload["data"]["resolved"]
    assert set(resolved) == {"users", "members", "roles", "channels", "attachments"}


async def test_channel_message_records_allowed_mentions(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    text = f"{world.bob.mention} {world.mods.mention} @everyone new SoundCloud terms"
    r = await emulator.slash(
        world.alice, world.general, "announce", channel=world.alerts, text=text
    )
    assert r.ephemeral and r.content.startswith("Posted https://discord.com/channels/")

    [posted] = await emulator.wait_for_messages(world.alerts, count=1)
    assert posted.content == text
    assert posted.allowed_mentions == {"parse": []}
    assert not posted.pings  # nobody notified
    assert posted.data["mentions"] == [] and posted.data["mention_everyone"] is False

    for _ in range(50):  # Discord echoes the bot's own message over the gateway
        if any(m.id == posted.id for m in bot.seen):
            break
        await asyncio.sleep(0.02)
    assert any(m.id == posted.id for m in bot.seen)


async def test_rate_limited_channel_message_is_retried_once(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    fault = emulator.fail("POST", r"/channels/\d+/messages", status=429, retry_after=0.3)
    r = await emulator.slash(world.alice, world.general, "announce", channel=world.alerts, text="x")
    assert r.content.startswith("Posted")
    assert fault.hits == 1
    attempts = emulator.requests_to("POST", rf"/channels/{world.alerts.id}/messages")
    assert [a.status for a in attempts] == [429, 200]
    assert len(emulator.channel_messages(world.alerts)) == 1


async def test_server_error_is_retried(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    emulator.fail("POST", r"/channels/\d+/messages", status=502)
    r = await emulator.slash(world.alice, world.general, "announce", channel=world.alerts, text="x")
    assert r.content.startswith("Posted")
    assert len(emulator.channel_messages(world.alerts)) == 1


async def test_missing_permission_and_unknown_channel_fail_permanently(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.alice, world.general, "announce", channel=world.locked, text="x")
    assert r.content == f"I can't post in {world.locked.mention} (Discord error 50013)."
    assert emulator.channel_messages(world.locked) == []
    [attempt] = emulator.requests_to("POST", rf"/channels/{world.locked.id}/messages")
    assert attempt.status == 403

    with pytest.raises(discord.NotFound) as exc:
        await bot.get_partial_messageable(12345).send("hello?")
    assert exc.value.code == 10003


async def test_deferred_response_then_follow_up_with_file(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "export")
    assert r.response_type == 5 and r.deferred

    [follow] = await r.wait_followups(1)
    assert follow.ephemeral and follow.content == "Here is your export."
    assert follow.attachments[0]["filename"] == "faq-export.toml"
    assert follow.files["faq-export.toml"] == EXPORT
    # Discord: the first follow-up after a defer replaces the "thinking..." message.
    assert (await r.wait_message()) is follow
    upload = r.followups[0].attachments[0]
    [req] = emulator.requests_to("POST", rf"/webhooks/{emulator.application_id}/[^/]+")
    assert req.files[0].data == EXPORT and upload["size"] == len(EXPORT)


async def test_command_error_handler_answers(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "boom")
    assert r.ephemeral and r.content == "Something went wrong (ValueError)."


async def test_unhandled_exception_in_a_view_is_reported(
    emulator: DiscordEmulator, world: World, bot: TinyBot, bot_log: Any
) -> None:
    shown = await emulator.slash(world.bob, world.general, "fragile")
    assert shown.message is not None
    await emulator.click(world.bob, shown.message, "fragile:crash")
    for _ in range(50):
        if bot_log.records:
            break
        await asyncio.sleep(0.02)
    logged = bot_log.take()  # without this, the emulator fixture would fail the test
    assert any("unhandled error in a view callback" in t for t in logged)


async def test_unimplemented_route_is_reported(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "pins")
    assert r.content == "Something went wrong (NotFound)."
    missing = emulator.take_unimplemented()  # otherwise the fixture fails the test
    assert missing and all(f"/channels/{world.general.id}/" in m for m in missing)


async def test_dropped_gateway_resumes_and_replays(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    await emulator.drop_gateway()
    # Sent while the bot is disconnected: it must arrive through RESUME's replay.
    r = await emulator.slash(world.bob, world.general, "faq ask", question="still there?")
    assert r.content.startswith("Q: still there?")
    await asyncio.wait_for(bot.resumed.wait(), 5)
    assert emulator.resume_count == 1 and emulator.identify_count == 1
    assert emulator.replayed_events >= 1
    resumed = emulator.gateway_connections[-1]
    assert resumed.kind == "resume" and resumed.path == "/resume"  # resume_gateway_url honoured


async def test_invalid_session_leads_to_a_fresh_identify(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    await emulator.drop_gateway(invalidate=True)
    await emulator.wait_ready()
    assert emulator.invalid_session_count == 1 and emulator.identify_count == 2
    r = await emulator.slash(world.bob, world.general, "faq ask", question="back?")
    assert r.content.startswith("Q: back?")


async def test_commands_hidden_by_permissions_or_context(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    with pytest.raises(CommandNotVisible, match="default_member_permissions"):
        await emulator.slash(world.bob, world.general, "announce", channel=world.alerts, text="x")
    with pytest.raises(CommandNotVisible, match="not available in DMs"):
        await emulator.slash(world.alice, None, "announce", channel=world.alerts, text="x")

    r = await emulator.slash(world.bob, None, "faq ask", question="in a DM?")  # DM context
    assert r.payload["context"] == 1 and "member" not in r.payload
    assert r.content.startswith("Q: in a DM?")


async def test_sync_contract_rejects_a_bad_command(
    emulator: DiscordEmulator, world: World, start_bot: Any
) -> None:
    @app_commands.command(name="wordy", description="x" * 101)
    async def wordy(interaction: discord.Interaction) -> None:
        pass

    with pytest.raises(discord.HTTPException) as exc:
        await start_bot(TinyBot(wordy))
    assert exc.value.status == 400
    [error] = emulator.take_contract_errors()
    assert "description must be a string of 1-100 characters (got 101 chars)" in str(error)
    assert emulator.synced_commands() == []  # nothing was stored


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ({"name": "Terms", "description": "d"}, "must be lowercase"),
        ({"name": "has space", "description": "d"}, "must match"),
        ({"name": "x", "description": ""}, "description must be a string of 1-100"),
        (
            {
                "name": "x",
                "description": "d",
                "options": [
                    {"type": 3, "name": "a", "description": "d"},
                    {"type": 3, "name": "b", "description": "d", "required": True},
                ],
            },
            "required options must be listed first",
        ),
        (
            {
                "name": "x",
                "description": "d",
                "options": [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)],
            },
            "at most 25 options",
        ),
        (
            {
                "name": "x",
                "description": "d",
                "options": [
                    {
                        "type": 3,
                        "name": "a",
                        "description": "d",
                        "choices": [{"name": "n" * 101, "value": "v"}],
                    }
                ],
            },
            "choice name must be a string of 1-100",
        ),
        (
            {
                "name": "x",
                "description": "d",
                "options": [
                    {"type": 1, "name": "sub", "description": "d"},
                    {"type": 3, "name": "plain", "description": "d"},
                ],
            },
            "cannot mix subcommands",
        ),
        (
            {
                "name": "x",
                "description": "d",
                "options": [
                    {
                        "type": 1,
                        "name": "sub",
                        "description": "d",
                        "options": [{"type": 2, "name": "g", "description": "d"}],
                    }
                ],
            },
            "cannot contain subcommands or groups",
        ),
        ({"name": "x", "description": "d", "default_member_permissions": "0x20"}, "digits"),
        ({"name": "x", "description": "d", "default_member_permissions": True}, "digits"),
    ],
)
def test_command_contract_rules(command: dict[str, Any], expected: str) -> None:
    violations = validate_commands([command])
    assert any(expected in str(v) for v in violations), violations


def test_valid_commands_pass_the_contract() -> None:
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    for cmd in COMMANDS:
        tree.add_command(cmd)
    payload = [c.to_dict(tree) for c in tree.walk_commands() if c.parent is None]
    payload += [c.to_dict(tree) for c in tree.get_commands(type=discord.AppCommandType.user)]
    assert len(payload) == len(COMMANDS)
    assert validate_commands(payload) == []


async def test_pointed_at_restores_discord_endpoints() -> None:
    base, gateway = HttpRoute.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with DiscordEmulator() as emu:
        with pointed_at(emu):
            assert emu.api_base == HttpRoute.BASE
            assert str(DiscordWebSocket.DEFAULT_GATEWAY) == emu.gateway_url
    assert base == HttpRoute.BASE and gateway == DiscordWebSocket.DEFAULT_GATEWAY


async def test_rate_limited_interaction_callback_is_retried(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    fault = emulator.fail("POST", r"/interactions/\d+/[^/]+/callback", retry_after=0.2)
    r = await emulator.slash(world.bob, world.general, "faq ask", question="retry?")
    assert fault.hits == 1 and r.content.startswith("Q: retry?")


async def test_original_response_and_follow_ups_can_be_edited(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "steps")
    extra, note = await r.wait_followups(2)
    assert r.message is not None and r.message.content == "step 2"
    assert r.message.history[0]["content"] == "step 1"
    assert extra.content == "extra, edited" and not extra.ephemeral
    assert note.content == "original says 'step 2'" and note.ephemeral
    assert [m.content for m in emulator.channel_messages(world.general)] == [
        "step 2",
        "extra, edited",
    ]


async def test_select_menus(emulator: DiscordEmulator, world: World, bot: TinyBot) -> None:
    shown = await emulator.slash(world.bob, world.general, "choose")
    assert shown.message is not None
    r = await emulator.select(world.bob, shown.message, "choose:platforms", ["spotify", "youtube"])
    assert r.response_type == 7 and shown.message.content == "chosen: spotify, youtube"

    r = await emulator.select(world.bob, shown.message, "choose:user", [world.alice])
    assert r.content == "user: alice"
    with pytest.raises(Exception, match="only offers"):
        await emulator.select(world.bob, shown.message, "choose:platforms", ["myspace"])


async def test_user_context_menu(emulator: DiscordEmulator, world: World, bot: TinyBot) -> None:
    r = await emulator.user_command(world.alice, world.general, "Profile", world.bob)
    assert r.content == "bob's profile" and r.ephemeral


async def test_answer_after_the_deadline_is_refused(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    emulator.callback_deadline = 0.1
    with pytest.raises(EmulatorTimeout, match="deadline"):
        await emulator.slash(world.bob, world.general, "slow")
    # The bot's error handler tries again and is refused too (and only logs a warning).
    for _ in range(50):
        if len(emulator.requests_to("POST", r"/interactions/\d+/[^/]+/callback")) >= 2:
            break
        await asyncio.sleep(0.02)
    statuses = [r.status for r in emulator.requests_to("POST", r"/interactions/.*")]
    assert statuses == [404, 404]


async def test_user_messages_respect_the_message_content_intent(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    plain = emulator.user_says(world.bob, world.general, "hello there")
    pinged = emulator.user_says(world.bob, world.general, f"{emulator.bot_user.mention} hi")
    for _ in range(50):
        if {plain.id, pinged.id} <= {m.id for m in bot.seen}:
            break
        await asyncio.sleep(0.02)
    seen = {m.id: m.content for m in bot.seen}
    assert seen[plain.id] == ""  # no message-content intent
    assert seen[pinged.id] == f"{emulator.bot_user.mention} hi"


async def test_rest_surface_for_fetches_edits_and_dms(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    guild = await bot.fetch_guild(world.guild.id)
    assert guild.name == "Beat Makers"
    assert {c.name for c in await guild.fetch_channels()} == {"general", "alerts", "locked"}
    assert "Mods" in {r.name for r in await guild.fetch_roles()}
    assert (await guild.fetch_member(world.bob.id)).name == "bob"

    channel = await bot.fetch_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("first")
    assert (await channel.fetch_message(sent.id)).content == "first"
    await sent.edit(content="second")
    assert [m.content async for m in channel.history(limit=5)] == ["second"]
    await sent.delete()
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(sent.id)

    user = await bot.fetch_user(world.bob.id)
    await user.send("hi in a DM")
    assert [m.content for m in emulator.dm_messages(world.bob)] == ["hi in a DM"]
    world.bob.user.dms_open = False
    with pytest.raises(discord.Forbidden):
        await user.send("again")


async def test_file_in_the_initial_response(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    r = await emulator.slash(world.bob, world.general, "export", deferred=False)
    assert r.response_type == 4 and r.ephemeral
    assert r.message is not None and r.message.files == {"faq-export.toml": EXPORT}
    [req] = emulator.requests_to("POST", r"/interactions/\d+/[^/]+/callback")
    assert req.headers["Content-Type"].startswith("multipart/form-data")
    assert req.json["data"]["attachments"][0]["filename"] == "faq-export.toml"


async def test_guild_commands_sync_and_resolve(
    emulator: DiscordEmulator, world: World, start_bot: Any
) -> None:
    @app_commands.command(name="devping", description="Guild-only dev command")
    async def devping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong from the dev guild")

    bot = TinyBot()
    bot.tree.add_command(devping, guild=discord.Object(world.guild.id))
    await start_bot(bot)
    assert [c["name"] for c in emulator.synced_commands(world.guild)] == ["devping"]
    assert "devping" not in {c["name"] for c in emulator.synced_commands()}
    r = await emulator.slash(world.bob, world.general, "devping")
    assert r.payload["data"]["guild_id"] == str(world.guild.id)
    assert r.content == "pong from the dev guild"


async def test_guild_join_and_remove_after_ready(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    newcomer = emulator.add_guild("Lo-fi Lab")
    emulator.add_text_channel(newcomer, "welcome")
    for _ in range(50):
        guild = bot.get_guild(newcomer.id)
        if guild is not None and guild.text_channels:
            break
        await asyncio.sleep(0.02)
    assert bot.joined == ["Lo-fi Lab"]
    assert guild is not None and [c.name for c in guild.text_channels] == ["welcome"]

    emulator.remove_guild(newcomer)
    for _ in range(50):
        if bot.left:
            break
        await asyncio.sleep(0.02)
    assert bot.left == ["Lo-fi Lab"] and bot.get_guild(newcomer.id) is None


async def test_unfilled_modal_input_submits_its_prefilled_value(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    """Discord submits what the bot prefilled in an input the user did not touch."""
    shown = await emulator.slash(world.bob, world.general, "terms", platform="bandcamp")
    opened = await emulator.click(world.bob, shown.message, "terms:ask")
    answered = await emulator.submit_modal(world.bob, None, opened, {"Question": "Loops?"})
    assert answered.content.endswith("(contact: in the thread)")
    cleared = await emulator.click(world.bob, shown.message, "terms:ask")
    answered = await emulator.submit_modal(
        world.bob, None, cleared, {"Question": "Loops?", "contact": ""}
    )
    assert answered.content.endswith("(contact: none)")  # emptied on purpose


async def test_enforce_nonce_returns_the_message_already_created(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    channel = bot.get_channel(world.alerts.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("alert", nonce="alert-1")  # discord.py sets enforce_nonce
    again = await channel.send("alert, sent again after a crash", nonce="alert-1")
    assert again.id == first.id and again.content == "alert"
    assert [m.content for m in emulator.channel_messages(world.alerts)] == ["alert"]
    assert [m.id for m in emulator.nonce_replays] == [first.id]
    [*_, req] = emulator.requests_to("POST", rf"/channels/{world.alerts.id}/messages")
    assert req.json["nonce"] == "alert-1" and req.json["enforce_nonce"] is True

    # Without enforce_nonce a nonce is only echoed back: Discord creates a second message.
    route = HttpRoute("POST", "/channels/{channel_id}/messages", channel_id=world.alerts.id)
    await bot.http.request(route, json={"content": "plain", "nonce": "alert-1"})
    assert len(emulator.channel_messages(world.alerts)) == 2
    # Another nonce is another message; an expired one too.
    await channel.send("other", nonce="alert-2")
    emulator.nonce_window = 0.0
    await channel.send("late", nonce="alert-1")
    assert len(emulator.channel_messages(world.alerts)) == 4

    with pytest.raises(discord.HTTPException) as exc:
        await channel.send("x", nonce="n" * 26)
    assert exc.value.status == 400
    [error] = emulator.take_contract_errors()
    assert "nonce" in str(error)


async def test_held_request_is_processed_or_dropped_on_release(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    channel = bot.get_channel(world.alerts.id)
    assert isinstance(channel, discord.TextChannel)
    hold = emulator.hold("POST", r"/channels/\d+/messages")
    sending = asyncio.create_task(channel.send("held"))
    [held] = await hold.wait_held(1)
    assert held.json["content"] == "held" and hold.waiting == [held]
    assert emulator.channel_messages(world.alerts) == []  # not handled yet
    hold.release()
    assert (await sending).content == "held"
    assert [m.content for m in emulator.channel_messages(world.alerts)] == ["held"]
    await channel.send("not held")  # times=1: the next one goes straight through

    drop = emulator.hold("POST", r"/channels/\d+/messages")
    sending = asyncio.create_task(channel.send("lost"))
    await drop.wait_held(1)
    drop.release(process=False)
    with pytest.raises(discord.DiscordServerError):
        await sending
    assert [m.content for m in emulator.channel_messages(world.alerts)] == ["held", "not held"]


async def test_system_channel_is_announced(
    emulator: DiscordEmulator, world: World, bot: TinyBot
) -> None:
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.system_channel is None
    emulator.set_system_channel(world.guild, world.alerts)
    for _ in range(50):
        if guild.system_channel is not None:
            break
        await asyncio.sleep(0.02)
    assert guild.system_channel is not None and guild.system_channel.id == world.alerts.id
    assert (await bot.fetch_guild(world.guild.id))._system_channel_id == world.alerts.id
