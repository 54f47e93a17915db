"""The members' commands in console mode: ``/terms``, ``/optout``, ``/history``, ``/faq ask``,
``/help`` and ``/about`` — each one core call, rendered as ``cogs/answers.py`` and
``cogs/meta.py`` render it."""

from __future__ import annotations

from bot import present
from bot.console.session import Console
from bot.present.reply import Reply


class AnswerCommands:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.app = console.app
        self.t = console.t
        for name, handler in (
            ("terms", self.terms),
            ("optout", self.optout),
            ("history", self.history),
            ("help", self.help),
            ("about", self.about),
        ):
            console.register(name, handler)

    async def terms(self, rest: str) -> Reply:
        platform, topic_text = self.console.split_platform(rest)
        if platform is None:
            return self.console.usage("/terms <platform> [topic]", "/terms soundcloud ai", rest)
        topic = self.app.resolve_topic(topic_text)
        if topic_text and topic is None:
            return self.console.usage(
                "/terms <platform> [topic]", "/terms soundcloud opt-out", topic_text
            )
        return present.render(await self.app.terms(platform, topic), self.t)

    async def optout(self, rest: str) -> Reply:
        platform, _ = self.console.split_platform(rest)
        if platform is None:
            return self.console.usage("/optout <platform>", "/optout youtube", rest)
        return present.render(await self.app.optouts(platform), self.t)

    async def history(self, rest: str) -> Reply:
        platform, _ = self.console.split_platform(rest)
        if platform is None:
            return self.console.usage("/history <platform>", "/history soundcloud", rest)
        return present.render(await self.app.history(platform), self.t)

    async def ask(self, question: str) -> Reply | str:
        """``/faq ask``: answered in the question's language unless ``--lang`` fixed one."""
        if not question.strip():
            return self.console.usage(
                "/faq ask <question>", "/faq ask can i upload ai music to bandcamp"
            )
        view = await self.app.answer(question, guild_id=self.console.guild_id)
        t = self.console.texts_for_question(question)
        return self.console.show(present.answer(view, t), t=t)

    async def help(self, _rest: str) -> Reply:
        return present.help_card(self.t)

    async def about(self, _rest: str) -> Reply:
        return present.render(await self.app.about(), self.t)
