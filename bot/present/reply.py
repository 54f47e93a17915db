"""What presentation hands the Discord shell and the console: plain dataclasses, no discord objects.

``Card`` is an embed that already fits Discord's limits (``fit()`` clips every part, keeping a
link to the full text), ``Reply`` is a whole response. Untrusted text is escaped where it enters
(``escape_markdown`` / ``neutralize_mentions``) and every reply carries "no mentions" unless a
subscription explicitly chose a role.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot import limits
from bot.knowledge.text import clip
from bot.present.markdown import plain
from bot.present.texts import ENGLISH, Texts

COLOR_ANSWER = 0x5865F2
COLOR_ALERT = 0xED4245
COLOR_NOTICE = 0xFEE75C
COLOR_OK = 0x57F287
COLOR_MUTED = 0x99AAB5


@dataclass(slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(slots=True)
class Button:
    label: str
    custom_id: str | None = None
    url: str | None = None
    style: str = "secondary"  # primary | secondary | success | danger | link
    disabled: bool = False


@dataclass(slots=True)
class Card:
    title: str
    description: str = ""
    url: str | None = None
    color: int = COLOR_ANSWER
    fields: list[Field] = field(default_factory=list)
    footer: str | None = None
    timestamp: datetime | None = None
    author: str | None = None

    def fit(self, t: Texts = ENGLISH) -> Card:
        """Clip every part to Discord's limits, then the whole to the 6,000-character total."""
        fields = [
            Field(
                clip(f.name, limits.EMBED_FIELD_NAME) or "\u200b",
                clip(f.value, limits.EMBED_FIELD_VALUE) or "\u200b",
                f.inline,
            )
            for f in self.fields[: limits.EMBED_FIELDS]
        ]
        card = replace(
            self,
            title=clip(self.title, limits.EMBED_TITLE),
            description=self._clipped_description(limits.EMBED_DESCRIPTION, t),
            fields=fields,
            footer=clip(self.footer, limits.EMBED_FOOTER) if self.footer else None,
            author=clip(self.author, limits.EMBED_AUTHOR) if self.author else None,
        )
        while card.total_length() > limits.EMBED_TOTAL and card.fields:
            card.fields.pop()
        if card.total_length() > limits.EMBED_TOTAL:
            room = limits.EMBED_TOTAL - (card.total_length() - len(card.description))
            card.description = self._clipped_description(max(room, 0), t)
        return card

    def _clipped_description(self, room: int, t: Texts) -> str:
        """The description within ``room`` characters, ending with a link to the full text."""
        if len(self.description) <= room:
            return self.description
        more = f"\n[{t('card.read_more')}]({self.url})" if self.url else ""
        if len(more) + 20 > room:
            return clip(self.description, room)
        return clip(self.description, room - len(more)) + more

    def total_length(self) -> int:
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer or "")
            + len(self.author or "")
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )

    def to_dict(self) -> dict[str, Any]:
        """Discord's embed JSON shape (``discord.Embed.from_dict`` accepts it)."""
        data: dict[str, Any] = {"type": "rich", "title": self.title, "color": self.color}
        if self.description:
            data["description"] = self.description
        if self.url:
            data["url"] = self.url
        if self.fields:
            data["fields"] = [
                {"name": f.name, "value": f.value, "inline": f.inline} for f in self.fields
            ]
        if self.footer:
            data["footer"] = {"text": self.footer}
        if self.author:
            data["author"] = {"name": self.author}
        if self.timestamp:
            data["timestamp"] = self.timestamp.isoformat()
        return data

    def to_text(self, t: Texts = ENGLISH) -> str:
        """The same content as readable terminal text (console mode)."""
        title = plain(self.title)
        lines = [title, "=" * min(len(title), 72)]
        if self.author:
            lines.insert(0, plain(self.author))
        if self.description:
            lines.append(plain(self.description))
        for f in self.fields:
            lines += ["", f"{plain(f.name)}:", plain(f.value)]
        text = "\n".join(lines)
        if self.url and self.url not in text:
            text += f"\n\n{t('answer.source')}: {self.url}"
        if self.footer:
            text += f"\n\n{plain(self.footer)}"
        return text


@dataclass(slots=True)
class Reply:
    cards: list[Card] = field(default_factory=list)
    content: str | None = None
    buttons: list[Button] = field(default_factory=list)
    ephemeral: bool = False
    mention_role_id: int | None = None
    file: tuple[str, bytes] | None = None

    def fit(self, t: Texts = ENGLISH) -> Reply:
        content = clip(self.content, limits.MESSAGE_CONTENT) if self.content else None
        return replace(
            self,
            cards=[c.fit(t) for c in self.cards[: limits.EMBEDS_PER_MESSAGE]],
            content=content,
            buttons=[replace(b, label=clip(b.label, limits.BUTTON_LABEL)) for b in self.buttons],
        )

    def to_text(self, t: Texts = ENGLISH) -> str:
        parts = [self.content] if self.content else []
        parts += [c.to_text(t) for c in self.cards]
        actions = [b.label for b in self.buttons if not b.disabled]
        if actions:
            parts.append(f"{t('console.actions')}: " + " · ".join(actions))
        return "\n\n".join(parts)


def notice(text: str, *, title: str = "Fine Print", ephemeral: bool = True) -> Reply:
    return Reply(
        cards=[Card(title=title, description=text, color=COLOR_NOTICE)], ephemeral=ephemeral
    )
