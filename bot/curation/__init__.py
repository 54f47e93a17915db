"""Moderator curation of a server's own FAQ: the core service (no Discord here).

Moderators extend and correct the answers for *their* server without touching files. The rules
this package enforces, whoever calls it (the ``/faq`` cog, the ``python -m bot faq`` CLI, the
console, tests):

- **Nothing half-applied.** Every operation is one ``Database.transaction()``: the entry, its
  audit record and the guild's generation bump commit together or not at all. An import is one
  transaction for the whole file, and a file with any rejected row is not applied at all.
- **No silent overwrites.** Entries carry a version. An edit (or removal) states the version it
  was based on; if someone saved in between, it fails with ``Conflict`` carrying the current
  text, never overwriting it. Imports re-check the versions they previewed.
- **Nothing lost.** Removal is a soft delete undone by ``restore``; every change is audited with
  a before/after JSON snapshot (``faq_audit``).
- **Immediately live, everywhere.** Store helpers bump the guild's FAQ generation in the same
  transaction, so every process's ``App.guild_view`` (the bot, the CLI) rebuilds on its next
  question without a restart.
- **Same schema as the shipped FAQ.** Modal input and import files are validated by the loader's
  ``parse_faq`` (the one validator for ``data/faq/*.toml``), plus the server-entry limits
  (``caps.py``). How an imported row maps to an existing entry: ``importing.py``.

Text from moderators may use Markdown but can never ping (``neutralize_mentions``, and every
reply is sent with no allowed mentions); text from members is also ``escape_markdown``-ed.

The modules: ``caps`` (limits), ``errors``, ``model`` (what the shell gets), ``text``,
``forms`` (reading typed entries), ``files`` (TOML/JSON) and ``service`` (``Curation``, built
from ``base``, ``importing`` and ``suggestions``); their replies are ``bot.present.curation``.
Everything public is re-exported here, so callers write ``from bot.curation import Curation``.
"""

from __future__ import annotations

from bot.curation.base import snapshot
from bot.curation.caps import (
    ENTRY_CAP,
    HISTORY_PAGE_SIZE,
    IMPORT_MAX_BYTES,
    LIST_PAGE_SIZE,
    MAX_LINK,
    MAX_LINKS,
    MAX_PHRASINGS,
    MAX_REASON,
    MIN_SUGGESTION,
    OPERATOR,
    PENDING_CAP,
    SUGGESTION_RATE,
    SUGGESTION_WINDOW,
)
from bot.curation.errors import (
    Actor,
    Conflict,
    CurationError,
    Invalid,
    LimitReached,
    Moment,
    NotFound,
    Unreadable,
)
from bot.curation.files import read_path
from bot.curation.forms import GENERAL_WORDS, TOPIC_PHRASES
from bot.curation.model import (
    FIELD_LABELS,
    Approval,
    EntryForm,
    EntryPage,
    ExportFile,
    HiddenChange,
    HistoryPage,
    ImportPlan,
    ImportResult,
    ImportRow,
    MemberNotice,
    Note,
    ParsedForm,
    QueuePage,
    Saved,
    SuggestionReceipt,
)
from bot.curation.service import Curation
from bot.curation.text import fit_lines, question_key

__all__ = [
    "ENTRY_CAP",
    "FIELD_LABELS",
    "GENERAL_WORDS",
    "HISTORY_PAGE_SIZE",
    "IMPORT_MAX_BYTES",
    "LIST_PAGE_SIZE",
    "MAX_LINK",
    "MAX_LINKS",
    "MAX_PHRASINGS",
    "MAX_REASON",
    "MIN_SUGGESTION",
    "OPERATOR",
    "PENDING_CAP",
    "SUGGESTION_RATE",
    "SUGGESTION_WINDOW",
    "TOPIC_PHRASES",
    "Actor",
    "Approval",
    "Conflict",
    "Curation",
    "CurationError",
    "EntryForm",
    "EntryPage",
    "ExportFile",
    "HiddenChange",
    "HistoryPage",
    "ImportPlan",
    "ImportResult",
    "ImportRow",
    "Invalid",
    "LimitReached",
    "MemberNotice",
    "Moment",
    "NotFound",
    "Note",
    "ParsedForm",
    "QueuePage",
    "Saved",
    "SuggestionReceipt",
    "Unreadable",
    "fit_lines",
    "question_key",
    "read_path",
    "snapshot",
]
