"""Discord's validation rules for what a bot sends, checked as a contract.

The emulator runs every command sync, message, modal and autocomplete answer through these
functions. Each returns a list of :class:`Violation`; an empty list means Discord would accept the
payload. The rules are Discord's documented limits (application commands, message, embed,
component and modal limits); where Discord's rule is a regular expression we use the closest
Python equivalent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Discord: ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ ; Python's unicode \w is the closest.
NAME_RE = re.compile(r"^[-_\w]{1,32}$")
DIGITS_RE = re.compile(r"^\d+$")
URL_SCHEMES = ("http://", "https://", "attachment://")
MAX_SAFE_INT = 2**53

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
OPTION_TYPE_NAMES = {
    1: "SUB_COMMAND",
    2: "SUB_COMMAND_GROUP",
    3: "STRING",
    4: "INTEGER",
    5: "BOOLEAN",
    6: "USER",
    7: "CHANNEL",
    8: "ROLE",
    9: "MENTIONABLE",
    10: "NUMBER",
    11: "ATTACHMENT",
}
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND, PRIMARY_ENTRY_POINT = 1, 2, 3, 4
COMMAND_LIMITS = {CHAT_INPUT: 100, USER_COMMAND: 15, MESSAGE_COMMAND: 15, PRIMARY_ENTRY_POINT: 1}

# Message flags
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

# Component types
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
TEXT_DISPLAY, LABEL = 10, 18
SELECT_TYPES = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)
LINK_STYLE, PREMIUM_STYLE = 5, 6


@dataclass(frozen=True)
class Violation:
    """One broken rule: where in the payload, what is wrong, and Discord's error code."""

    path: str
    message: str
    code: int = 50035  # Invalid Form Body

    def __str__(self) -> str:
        return f"{self.path or '<body>'}: {self.message}"


def _len_between(value: Any, lo: int, hi: int) -> bool:
    return isinstance(value, str) and lo <= len(value) <= hi


def _check_text(out: list[Violation], path: str, value: Any, lo: int, hi: int, what: str) -> None:
    if not _len_between(value, lo, hi):
        shown = f"{len(value)} chars" if isinstance(value, str) else repr(value)
        out.append(
            Violation(path, f"{what} must be a string of {lo}-{hi} characters (got {shown})")
        )


def _check_chat_name(out: list[Violation], path: str, name: Any, what: str = "name") -> None:
    if not isinstance(name, str) or not NAME_RE.match(name):
        out.append(Violation(path, f"{what} {name!r} must match ^[-_\\w]{{1,32}}$"))
    elif name != name.lower():
        out.append(Violation(path, f"{what} {name!r} must be lowercase"))


def _check_localizations(
    out: list[Violation], path: str, locs: Any, *, names: bool, chat: bool = True
) -> None:
    if locs is None:
        return
    if not isinstance(locs, dict):
        out.append(Violation(path, "localizations must be an object of locale -> string"))
        return
    for locale, text in locs.items():
        p = f"{path}.{locale}"
        if names and chat:
            _check_chat_name(out, p, text, "localized name")
        elif names:
            _check_text(out, p, text, 1, 32, "localized name")
        else:
            _check_text(out, p, text, 1, 100, "localized description")


# --------------------------------------------------------------------------- commands


def validate_commands(payload: Any) -> list[Violation]:
    """Check a bulk-overwrite body (``PUT .../commands``) against Discord's rules."""
    if not isinstance(payload, list):
        return [Violation("", "body must be an array of application commands")]
    out: list[Violation] = []
    counts: dict[int, int] = {}
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(payload):
        path = f"[{i}]"
        if not isinstance(cmd, dict):
            out.append(Violation(path, "command must be an object"))
            continue
        ctype = cmd.get("type", CHAT_INPUT)
        counts[ctype] = counts.get(ctype, 0) + 1
        key = (ctype, str(cmd.get("name")))
        if key in seen:
            out.append(Violation(f"{path}.name", f"duplicate command name {key[1]!r}"))
        seen.add(key)
        out.extend(validate_command(cmd, path))
    for ctype, count in counts.items():
        limit = COMMAND_LIMITS.get(ctype)
        if limit is not None and count > limit:
            out.append(Violation("", f"at most {limit} commands of type {ctype} (got {count})"))
    return out


def validate_command(cmd: dict[str, Any], path: str = "") -> list[Violation]:
    """Check one application command object."""
    out: list[Violation] = []
    ctype = cmd.get("type", CHAT_INPUT)
    name = cmd.get("name")
    if ctype == CHAT_INPUT:
        _check_chat_name(out, f"{path}.name", name)
        _check_text(out, f"{path}.description", cmd.get("description"), 1, 100, "description")
        _check_localizations(
            out, f"{path}.name_localizations", cmd.get("name_localizations"), names=True
        )
        _check_localizations(
            out,
            f"{path}.description_localizations",
            cmd.get("description_localizations"),
            names=False,
        )
        _validate_options(out, cmd.get("options") or [], path, level="command")
        total = _command_chars(cmd)
        if total > 4000:
            out.append(
                Violation(
                    path, f"names, descriptions and choice values total {total} chars (max 4000)"
                )
            )
    elif ctype in (USER_COMMAND, MESSAGE_COMMAND):
        _check_text(out, f"{path}.name", name, 1, 32, "context-menu name")
        _check_localizations(
            out, f"{path}.name_localizations", cmd.get("name_localizations"), names=True, chat=False
        )
        if cmd.get("description") not in (None, ""):
            out.append(
                Violation(f"{path}.description", "context-menu commands take no description")
            )
        if cmd.get("options"):
            out.append(Violation(f"{path}.options", "context-menu commands take no options"))
    elif ctype != PRIMARY_ENTRY_POINT:
        out.append(Violation(f"{path}.type", f"unknown command type {ctype!r}"))

    # Documented as a string bit set; the API also takes a JSON integer, which is what
    # discord.py sends (``Permissions.value``), so both are accepted.
    perms = cmd.get("default_member_permissions")
    valid_int = isinstance(perms, int) and not isinstance(perms, bool) and perms >= 0
    if (
        perms is not None
        and not valid_int
        and not (isinstance(perms, str) and DIGITS_RE.match(perms))
    ):
        out.append(
            Violation(
                f"{path}.default_member_permissions",
                f"must be a permission bit set as a string of digits, or null (got {perms!r})",
            )
        )
    if cmd.get("dm_permission") not in (None, True, False):
        out.append(Violation(f"{path}.dm_permission", "must be a boolean or null"))
    if "nsfw" in cmd and not isinstance(cmd["nsfw"], bool):
        out.append(Violation(f"{path}.nsfw", "must be a boolean"))
    for key, allowed in (("contexts", {0, 1, 2}), ("integration_types", {0, 1})):
        value = cmd.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not set(value) <= allowed:
            out.append(Violation(f"{path}.{key}", f"must be a list drawn from {sorted(allowed)}"))
    return out


def _command_chars(cmd: dict[str, Any]) -> int:
    total = len(str(cmd.get("name", ""))) + len(str(cmd.get("description", "")))

    def walk(options: list[dict[str, Any]]) -> int:
        n = 0
        for o in options:
            n += len(str(o.get("name", ""))) + len(str(o.get("description", "")))
            for c in o.get("choices") or []:
                n += len(str(c.get("name", ""))) + len(str(c.get("value", "")))
            n += walk(o.get("options") or [])
        return n

    return total + walk(cmd.get("options") or [])


def _validate_options(
    out: list[Violation], options: Any, parent: str, *, level: str
) -> None:  # level: command | group | subcommand
    if not isinstance(options, list):
        out.append(Violation(f"{parent}.options", "options must be an array"))
        return
    if len(options) > 25:
        out.append(Violation(f"{parent}.options", f"at most 25 options (got {len(options)})"))
    kinds = [o.get("type") for o in options if isinstance(o, dict)]
    has_sub = any(k in (SUB_COMMAND, SUB_COMMAND_GROUP) for k in kinds)
    has_plain = any(k not in (SUB_COMMAND, SUB_COMMAND_GROUP) for k in kinds)
    if level == "command" and has_sub and has_plain:
        out.append(
            Violation(
                f"{parent}.options",
                "a command cannot mix subcommands/groups with ordinary options",
            )
        )
    if level == "group" and any(k != SUB_COMMAND for k in kinds):
        out.append(
            Violation(f"{parent}.options", "a subcommand group may only contain subcommands")
        )
    if level == "subcommand" and has_sub:
        out.append(
            Violation(
                f"{parent}.options", "a subcommand cannot contain subcommands or groups (max depth)"
            )
        )

    names: set[str] = set()
    seen_optional = False
    for j, opt in enumerate(options):
        path = f"{parent}.options[{j}]"
        if not isinstance(opt, dict):
            out.append(Violation(path, "option must be an object"))
            continue
        otype = opt.get("type")
        if otype not in OPTION_TYPE_NAMES:
            out.append(Violation(f"{path}.type", f"unknown option type {otype!r}"))
            continue
        name = opt.get("name")
        _check_chat_name(out, f"{path}.name", name, "option name")
        if name in names:
            out.append(Violation(f"{path}.name", f"duplicate option name {name!r}"))
        names.add(name)
        _check_text(out, f"{path}.description", opt.get("description"), 1, 100, "description")
        _check_localizations(
            out, f"{path}.name_localizations", opt.get("name_localizations"), names=True
        )
        _check_localizations(
            out,
            f"{path}.description_localizations",
            opt.get("description_localizations"),
            names=False,
        )

        if otype == SUB_COMMAND_GROUP:
            _validate_options(out, opt.get("options") or [], path, level="group")
            continue
        if otype == SUB_COMMAND:
            _validate_options(out, opt.get("options") or [], path, level="subcommand")
            continue

        required = bool(opt.get("required", False))
        if required and seen_optional:
            out.append(
                Violation(
                    f"{path}.required",
                    f"required option {name!r} comes after an optional one; "
                    "required options must be listed first",
                )
            )
        if not required:
            seen_optional = True
        _validate_option_details(out, opt, otype, path)


def _validate_option_details(
    out: list[Violation], opt: dict[str, Any], otype: int, path: str
) -> None:
    choices = opt.get("choices")
    if choices:
        if otype not in (STRING, INTEGER, NUMBER):
            out.append(Violation(f"{path}.choices", "choices are only allowed on string/number"))
        if len(choices) > 25:
            out.append(Violation(f"{path}.choices", f"at most 25 choices (got {len(choices)})"))
        for k, choice in enumerate(choices):
            _validate_choice(out, choice, otype, f"{path}.choices[{k}]")
    if opt.get("autocomplete"):
        if otype not in (STRING, INTEGER, NUMBER):
            out.append(
                Violation(f"{path}.autocomplete", "autocomplete is only allowed on string/number")
            )
        if choices:
            out.append(
                Violation(f"{path}.autocomplete", "autocomplete cannot be combined with choices")
            )
    for key in ("min_value", "max_value"):
        if opt.get(key) is not None:
            if otype not in (INTEGER, NUMBER):
                out.append(Violation(f"{path}.{key}", f"{key} only applies to integer/number"))
            elif not isinstance(opt[key], int | float) or isinstance(opt[key], bool):
                out.append(Violation(f"{path}.{key}", f"{key} must be a number"))
    lo, hi = opt.get("min_value"), opt.get("max_value")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
        out.append(Violation(f"{path}.min_value", "min_value is greater than max_value"))
    for key, bounds in (("min_length", (0, 6000)), ("max_length", (1, 6000))):
        if opt.get(key) is not None:
            value = opt[key]
            if otype != STRING:
                out.append(Violation(f"{path}.{key}", f"{key} only applies to string options"))
            elif not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
                out.append(Violation(f"{path}.{key}", f"{key} must be {bounds[0]}-{bounds[1]}"))
    lo, hi = opt.get("min_length"), opt.get("max_length")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        out.append(Violation(f"{path}.min_length", "min_length is greater than max_length"))
    if opt.get("channel_types") is not None and otype != CHANNEL:
        out.append(Violation(f"{path}.channel_types", "channel_types only applies to channels"))


def _validate_choice(out: list[Violation], choice: Any, otype: int, path: str) -> None:
    if not isinstance(choice, dict):
        out.append(Violation(path, "choice must be an object with name and value"))
        return
    _check_text(out, f"{path}.name", choice.get("name"), 1, 100, "choice name")
    _check_localizations(
        out, f"{path}.name_localizations", choice.get("name_localizations"), names=False
    )
    value = choice.get("value")
    if otype == STRING:
        _check_text(out, f"{path}.value", value, 1, 100, "string choice value")
    elif otype == INTEGER:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_SAFE_INT:
            out.append(
                Violation(f"{path}.value", f"integer choice value must be an int: {value!r}")
            )
    elif otype == NUMBER and (not isinstance(value, int | float) or isinstance(value, bool)):
        out.append(Violation(f"{path}.value", f"number choice value must be numeric: {value!r}"))


def validate_autocomplete_choices(data: Any) -> list[Violation]:
    """Check the data of an autocomplete result (interaction response type 8)."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return [Violation("data.choices", "autocomplete result needs a choices array")]
    choices = data["choices"]
    out: list[Violation] = []
    if len(choices) > 25:
        out.append(Violation("data.choices", f"at most 25 choices (got {len(choices)})"))
    for k, choice in enumerate(choices):
        path = f"data.choices[{k}]"
        if not isinstance(choice, dict):
            out.append(Violation(path, "choice must be an object"))
            continue
        _check_text(out, f"{path}.name", choice.get("name"), 1, 100, "choice name")
        value = choice.get("value")
        if isinstance(value, str):
            _check_text(out, f"{path}.value", value, 0, 100, "choice value")
        elif not isinstance(value, int | float) or isinstance(value, bool):
            out.append(Violation(f"{path}.value", f"choice value must be string/number: {value!r}"))
    return out


def missing_localizations(
    payload: list[dict[str, Any]], locales: tuple[str, ...]
) -> list[Violation]:
    """Every description (command, subcommand, option) and every choice name of the chat-input
    commands carries a localization for each Discord locale in ``locales``. Discord accepts a
    command without them; this is Fine Print's promise that no member reads English beside a
    command when their Discord speaks one of its languages. Lengths are checked by
    ``validate_commands``."""
    out: list[Violation] = []

    def need(path: str, locs: Any) -> None:
        have = set(locs or {})
        for locale in locales:
            if locale not in have:
                out.append(Violation(path, f"no {locale} localization"))

    def walk(node: dict[str, Any], path: str) -> None:
        need(f"{path}.description_localizations", node.get("description_localizations"))
        for k, choice in enumerate(node.get("choices") or []):
            need(f"{path}.choices[{k}].name_localizations", choice.get("name_localizations"))
        for k, option in enumerate(node.get("options") or []):
            walk(option, f"{path}.options[{k}]")

    for i, cmd in enumerate(payload):
        if cmd.get("type", CHAT_INPUT) == CHAT_INPUT:
            walk(cmd, f"[{i}]")
    return out


# --------------------------------------------------------------------------- messages


def _is_url(value: Any) -> bool:
    """Discord's "Not a well formed URL": a scheme it knows, a host, no whitespace."""
    if not isinstance(value, str) or not value.startswith(URL_SCHEMES) or len(value) > 2048:
        return False
    if value.startswith("attachment://"):
        return True
    return not any(c.isspace() for c in value) and bool(urlsplit(value).hostname)


def validate_embeds(embeds: Any, out: list[Violation]) -> None:
    if not isinstance(embeds, list):
        out.append(Violation("embeds", "embeds must be an array"))
        return
    if len(embeds) > 10:
        out.append(Violation("embeds", f"at most 10 embeds (got {len(embeds)})"))
    total = 0
    for i, embed in enumerate(embeds):
        path = f"embeds[{i}]"
        if not isinstance(embed, dict):
            out.append(Violation(path, "embed must be an object"))
            continue
        title = embed.get("title")
        if title is not None:
            _check_text(out, f"{path}.title", title, 0, 256, "embed title")
            total += len(str(title))
        desc = embed.get("description")
        if desc is not None:
            _check_text(out, f"{path}.description", desc, 0, 4096, "embed description")
            total += len(str(desc))
        fields = embed.get("fields") or []
        if len(fields) > 25:
            out.append(Violation(f"{path}.fields", f"at most 25 fields (got {len(fields)})"))
        for k, field in enumerate(fields):
            fp = f"{path}.fields[{k}]"
            _check_text(out, f"{fp}.name", field.get("name"), 1, 256, "field name")
            _check_text(out, f"{fp}.value", field.get("value"), 1, 1024, "field value")
            total += len(str(field.get("name") or "")) + len(str(field.get("value") or ""))
        footer = embed.get("footer") or {}
        if footer.get("text") is not None:
            _check_text(out, f"{path}.footer.text", footer["text"], 1, 2048, "footer text")
            total += len(str(footer["text"]))
        author = embed.get("author") or {}
        if author.get("name") is not None:
            _check_text(out, f"{path}.author.name", author["name"], 1, 256, "author name")
            total += len(str(author["name"]))
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
            out.append(Violation(f"{path}.color", f"color must be 0-0xFFFFFF: {color!r}"))
        for key, value in (
            ("url", embed.get("url")),
            ("image.url", (embed.get("image") or {}).get("url")),
            ("thumbnail.url", (embed.get("thumbnail") or {}).get("url")),
            ("author.url", author.get("url")),
            ("author.icon_url", author.get("icon_url")),
            ("footer.icon_url", footer.get("icon_url")),
        ):
            if value is not None and not _is_url(value):
                out.append(Violation(f"{path}.{key}", f"Not a well formed URL: {value!r}"))
    if total > 6000:
        out.append(Violation("embeds", f"embeds total {total} characters (max 6000)"))


def validate_components(components: Any, out: list[Violation], *, v2: bool = False) -> None:
    if not isinstance(components, list):
        out.append(Violation("components", "components must be an array"))
        return
    if v2:
        return  # Components V2 layouts are echoed unchecked.
    if len(components) > 5:
        out.append(Violation("components", f"at most 5 action rows (got {len(components)})"))
    custom_ids: set[str] = set()
    for i, row in enumerate(components):
        path = f"components[{i}]"
        if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
            out.append(Violation(path, "top-level components must be action rows (type 1)"))
            continue
        children = row.get("components") or []
        if not children:
            out.append(Violation(path, "an action row needs at least one component"))
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        buttons = [c for c in children if c.get("type") == BUTTON]
        if selects and len(children) > 1:
            out.append(Violation(path, "a select menu must be alone in its action row"))
        if len(buttons) > 5:
            out.append(Violation(path, f"at most 5 buttons per row (got {len(buttons)})"))
        for k, comp in enumerate(children):
            cp = f"{path}.components[{k}]"
            ctype = comp.get("type")
            cid = comp.get("custom_id")
            if cid is not None:
                _check_text(out, f"{cp}.custom_id", cid, 1, 100, "custom_id")
                if cid in custom_ids:
                    out.append(Violation(f"{cp}.custom_id", f"duplicate custom_id {cid!r}"))
                custom_ids.add(cid)
            if ctype == BUTTON:
                _validate_button(out, comp, cp)
            elif ctype in SELECT_TYPES:
                _validate_select(out, comp, cp)
            else:
                out.append(Violation(cp, f"component type {ctype!r} not allowed in an action row"))


def _validate_button(out: list[Violation], comp: dict[str, Any], path: str) -> None:
    style = comp.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        out.append(Violation(f"{path}.style", f"unknown button style {style!r}"))
    if comp.get("label") is not None:
        _check_text(out, f"{path}.label", comp["label"], 0, 80, "button label")
    if style == LINK_STYLE:
        if not _is_url(comp.get("url")):
            out.append(Violation(f"{path}.url", "link buttons need a well formed url"))
        if comp.get("custom_id") is not None:
            out.append(Violation(f"{path}.custom_id", "link buttons cannot have a custom_id"))
    elif style != PREMIUM_STYLE and comp.get("custom_id") is None:
        out.append(Violation(f"{path}.custom_id", "non-link buttons need a custom_id"))


def _validate_select(out: list[Violation], comp: dict[str, Any], path: str) -> None:
    if comp.get("custom_id") is None:
        out.append(Violation(f"{path}.custom_id", "select menus need a custom_id"))
    if comp.get("placeholder") is not None:
        _check_text(out, f"{path}.placeholder", comp["placeholder"], 0, 150, "placeholder")
    lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
    if not (isinstance(lo, int) and 0 <= lo <= 25 and isinstance(hi, int) and 1 <= hi <= 25):
        out.append(Violation(path, "min_values must be 0-25 and max_values 1-25"))
    if comp.get("type") == STRING_SELECT:
        options = comp.get("options") or []
        if not 1 <= len(options) <= 25:
            out.append(Violation(f"{path}.options", f"1-25 options (got {len(options)})"))
        for k, opt in enumerate(options):
            op = f"{path}.options[{k}]"
            _check_text(out, f"{op}.label", opt.get("label"), 1, 100, "option label")
            _check_text(out, f"{op}.value", opt.get("value"), 1, 100, "option value")
            if opt.get("description") is not None:
                _check_text(out, f"{op}.description", opt["description"], 0, 100, "description")


def validate_message(
    payload: dict[str, Any], *, files: int = 0, existing: dict[str, Any] | None = None
) -> list[Violation]:
    """Check a message create/edit body. ``existing`` is the message being edited, if any."""
    out: list[Violation] = []
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        out.append(Violation("content", "content must be a string"))
    elif content is not None and len(content) > 2000:
        out.append(Violation("content", f"Must be 2000 or fewer in length (got {len(content)})"))
    if payload.get("embeds") is not None:
        validate_embeds(payload["embeds"], out)
    flags = payload.get("flags") or 0
    if existing is not None:
        flags |= existing.get("flags") or 0
    if payload.get("components") is not None:
        validate_components(payload["components"], out, v2=bool(flags & IS_COMPONENTS_V2))
    if files > 10:
        out.append(Violation("files", f"at most 10 files per message (got {files})"))

    def pick(key: str) -> Any:
        if key in payload:
            return payload[key]
        return (existing or {}).get(key)

    has_files = files > 0 or bool(pick("attachments"))
    if not (
        pick("content")
        or pick("embeds")
        or has_files
        or pick("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
    ):
        out.append(Violation("", "Cannot send an empty message", code=50006))
    return out


def validate_modal(data: Any) -> list[Violation]:
    """Check the data of a modal response (interaction response type 9)."""
    if not isinstance(data, dict):
        return [Violation("data", "modal data must be an object")]
    out: list[Violation] = []
    _check_text(out, "data.custom_id", data.get("custom_id"), 1, 100, "modal custom_id")
    _check_text(out, "data.title", data.get("title"), 1, 45, "modal title")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        out.append(Violation("data.components", f"1-5 components (got {len(components)})"))
    for i, comp in enumerate(components):
        path = f"data.components[{i}]"
        ctype = comp.get("type")
        if ctype == ACTION_ROW:
            children = comp.get("components") or []
            if len(children) != 1 or children[0].get("type") != TEXT_INPUT:
                out.append(Violation(path, "a modal action row holds exactly one text input"))
            for child in children:
                _validate_text_input(out, child, f"{path}.components[0]", needs_label=True)
        elif ctype == LABEL:
            _check_text(out, f"{path}.label", comp.get("label"), 1, 45, "label")
            if comp.get("description") is not None:
                _check_text(out, f"{path}.description", comp["description"], 0, 100, "desc")
            child = comp.get("component") or {}
            if child.get("type") == TEXT_INPUT:
                _validate_text_input(out, child, f"{path}.component", needs_label=False)
            elif child.get("custom_id") is None:
                out.append(Violation(f"{path}.component", "label component needs a custom_id"))
        elif ctype != TEXT_DISPLAY:
            out.append(Violation(path, f"component type {ctype!r} not allowed at modal top level"))
    return out


def _validate_text_input(
    out: list[Violation], comp: dict[str, Any], path: str, *, needs_label: bool
) -> None:
    _check_text(out, f"{path}.custom_id", comp.get("custom_id"), 1, 100, "custom_id")
    if comp.get("style") not in (1, 2):
        out.append(Violation(f"{path}.style", "text input style must be 1 or 2"))
    if needs_label:
        _check_text(out, f"{path}.label", comp.get("label"), 1, 45, "text input label")
    for key, lo, hi in (("min_length", 0, 4000), ("max_length", 1, 4000)):
        value = comp.get(key)
        if value is not None and (not isinstance(value, int) or not lo <= value <= hi):
            out.append(Violation(f"{path}.{key}", f"{key} must be {lo}-{hi}"))
    if comp.get("value") is not None:
        _check_text(out, f"{path}.value", comp["value"], 0, 4000, "prefilled value")
    if comp.get("placeholder") is not None:
        _check_text(out, f"{path}.placeholder", comp["placeholder"], 0, 100, "placeholder")


def discord_error_body(violations: list[Violation]) -> dict[str, Any]:
    """Shape violations like Discord's ``Invalid Form Body`` error (nested ``_errors``)."""
    code = violations[0].code if violations and violations[0].code != 50035 else 50035
    message = "Invalid Form Body" if code == 50035 else violations[0].message
    errors: dict[str, Any] = {}
    for v in violations:
        node = errors
        for part in re.findall(r"[^.\[\]]+", v.path):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "EMULATOR_CONTRACT", "message": v.message})
    return {"code": code, "message": message, "errors": errors}
