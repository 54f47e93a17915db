"""``/alerts``, ``/feeds`` and ``/config`` in console mode, the same core calls as their cogs.

The console has one server and one channel (``CONSOLE_CHANNEL``): ``/alerts subscribe`` records
a real subscription for it, so the settings can be tried without Discord, while the alerts
themselves print in the terminal as the watcher finds them.
"""

from __future__ import annotations

from bot.alerts import manage
from bot.alerts.model import INSTANT, WEEKLY
from bot.console.session import CONSOLE_CHANNEL, OPERATOR, Console
from bot.i18n.locales import AUTO, DEFAULT, parse
from bot.present import manage as replies
from bot.present.alerts import sample_alert
from bot.present.reply import Reply
from bot.store import guild_config

EVERY_CHANGE = "--every-change"
WEEKLY_FLAG = "--weekly"
LANG_FLAG = "--lang="
FEED_KINDS = ("rss", "page")


class ManageCommands:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.app = console.app
        self.t = console.t
        console.register("alerts", self.alerts)
        console.register("feeds", self.feeds)
        console.register("config", self.config)

    @property
    def guild(self) -> int:
        return self.console.guild_id

    # -- /alerts -----------------------------------------------------------------------------
    async def alerts(self, rest: str) -> Reply:
        sub, _, arg = rest.partition(" ")
        sub, arg = sub.lower(), arg.strip()
        if sub == "subscribe":
            words = arg.split()
            language = None
            for word in list(words):  # --lang=fr: this channel's alert language
                if word.startswith(LANG_FLAG):
                    language = parse(word[len(LANG_FLAG) :])
                    words.remove(word)
            only_ai = EVERY_CHANGE not in words
            mode = WEEKLY if WEEKLY_FLAG in words or "mode:weekly" in words else INSTANT
            flags = (EVERY_CHANGE, WEEKLY_FLAG, "mode:weekly", "mode:instant")
            platforms = " ".join(w for w in words if w not in flags) or None
            result = await manage.subscribe(
                self.app,
                self.guild,
                CONSOLE_CHANNEL,
                platforms=platforms,
                only_ai=only_ai,
                mention_role_id=None,
                actor=OPERATOR,
                mode=mode,
                language=language,
            )
            return replies.subscribed(result, self.t)
        if sub == "unsubscribe":
            gone = await manage.unsubscribe(self.app, self.guild, CONSOLE_CHANNEL)
            return replies.unsubscribed(gone, self.t)
        if sub == "list":
            return replies.subscriptions(
                await manage.list_subscriptions(self.app, self.guild), self.t
            )
        if sub == "test":
            return sample_alert(manage.sample_alert(self.app), t=self.t)
        if sub == "preview" and arg:
            return replies.alert_preview(await manage.preview(self.app, self.guild, arg), self.t)
        return self.console.usage(
            "/alerts subscribe [platforms] [--every-change] [--weekly] [--lang=fr] | unsubscribe "
            "| list | test | preview <platform>",
            "/alerts subscribe soundcloud, youtube --weekly",
            rest,
        )

    # -- /feeds ------------------------------------------------------------------------------
    async def feeds(self, rest: str) -> Reply:
        sub, _, arg = rest.partition(" ")
        sub, words = sub.lower(), arg.split()
        if sub == "add" and len(words) >= 2 and words[1].lower() in FEED_KINDS:
            select = next((w[len("select=") :] for w in words[2:] if w.startswith("select=")), None)
            platform = " ".join(w for w in words[2:] if not w.startswith("select=")) or None
            result = await manage.add_feed(
                self.app,
                self.guild,
                kind=words[1].lower(),
                url=words[0],
                platform=platform,
                select=select,
                actor=OPERATOR,
            )
            return replies.feed_added(result, self.t)
        if sub == "remove" and words:
            return replies.feed_removed(
                await manage.remove_feed(self.app, self.guild, words[0]), self.t
            )
        if sub == "list":
            return replies.feed_list(await manage.list_feeds(self.app, self.guild), self.t)
        if sub == "status":
            return replies.feed_health(await manage.feeds_status(self.app, self.guild), self.t)
        if sub == "resume" and words:
            return replies.feed_resumed(
                await manage.resume_feed(self.app, self.guild, words[0]), self.t
            )
        return self.console.usage(
            "/feeds add <url> <rss|page> [platform] [select=CSS] | remove <id> | list | status "
            "| resume <id>",
            "/feeds add https://example.org/feed.xml rss",
            rest,
        )

    # -- /config -----------------------------------------------------------------------------
    async def config(self, rest: str) -> Reply:
        sub, _, arg = rest.partition(" ")
        arg = arg.strip().lstrip("<@&").rstrip(">")
        if sub.lower() == "modrole" and (arg.isdigit() or arg.lower() in ("", "none")):
            role = int(arg) if arg.isdigit() else None
            if role == self.guild:  # a guild's @everyone role has the guild's id
                return replies.notice(self.t("config.modrole.everyone"), t=self.t)
            await guild_config.set_mod_role(self.app.db, self.guild, role, OPERATOR)
            return replies.modrole_set(role, self.t)
        if sub.lower() == "language":
            # The console has no Discord server language: "auto" means English here.
            if not arg:
                chosen = await guild_config.alert_language(self.app.db, self.guild)
                return replies.language_shown(chosen, chosen or DEFAULT, self.t)
            chosen = None if arg.lower() == AUTO else parse(arg)
            if chosen is not None or arg.lower() == AUTO:
                await guild_config.set_alert_language(self.app.db, self.guild, chosen, OPERATOR)
                return replies.language_set(chosen, chosen or DEFAULT, self.t)
        return self.console.usage(
            "/config modrole <role id | none> · /config language <en|fr|it|es|de|pt|id|auto>",
            "/config language it",
            rest,
        )
