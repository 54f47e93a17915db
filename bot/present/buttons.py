"""The one codec for button custom ids: ``fp:<action>:…`` <-> ``bot.actions``.

Ids are compact (Discord allows 100 characters) and stable: a message posted months ago still
decodes, and an id this version cannot read decodes to ``None`` so the front-end can say so.
"""

from __future__ import annotations

from bot import limits
from bot.actions import Action, Alternatives, MoreTerms, Pick, ShowHistory, ShowItem, ShowOptOuts

PREFIX = "fp"
TEMPLATE = r"fp:(?P<action>[a-z]+):.+"  # what the Discord shell registers as persistent


def encode(action: Action) -> str:
    match action:
        case ShowOptOuts(platform):
            custom_id = f"{PREFIX}:optout:{platform}"
        case ShowHistory(platform):
            custom_id = f"{PREFIX}:history:{platform}"
        case MoreTerms(platform, topic):
            custom_id = f"{PREFIX}:more:{platform}:{topic or ''}"
        case Alternatives(guild_id, query):
            prefix = f"{PREFIX}:alts:{guild_id or 0}:"
            custom_id = prefix + query[: limits.CUSTOM_ID - len(prefix)].strip()
        case ShowItem(kind, item_id):
            custom_id = f"{PREFIX}:show:{kind}:{item_id}"
        case Pick(feedback_id, kind, item_id):
            custom_id = f"{PREFIX}:pick:{feedback_id}:{kind}:{item_id}"
    return custom_id[: limits.CUSTOM_ID]


def decode(custom_id: str) -> Action | None:
    parts = custom_id.split(":", 3)
    if len(parts) < 3 or parts[0] != PREFIX:
        return None
    name, first = parts[1], parts[2]
    rest = parts[3] if len(parts) == 4 else None
    if name == "optout":
        return ShowOptOuts(first)
    if name == "history":
        return ShowHistory(first)
    if name == "more" and rest is not None:
        return MoreTerms(first, rest or None)
    if name == "alts" and rest is not None:
        guild = int(first) if first.isdigit() and first != "0" else None
        return Alternatives(guild, rest)
    if name == "show" and rest is not None:
        return ShowItem(first, rest)
    if name == "pick" and rest is not None and first.isdigit() and ":" in rest:
        kind, item_id = rest.split(":", 1)
        return Pick(int(first), kind, item_id)
    return None
