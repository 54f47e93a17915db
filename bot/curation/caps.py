"""The limits a server's own FAQ lives within (Discord's own are in ``bot.limits``).

Each one protects something: the database and the moderators' time from a runaway import or
suggestion box, members from a note too long to read, and the edit modal from an entry that
would no longer fit back into it.
"""

from __future__ import annotations

from datetime import timedelta

from bot import limits
from bot.knowledge.loader import MAX_QUESTION

ENTRY_CAP = 500  # live entries per server (removed ones do not count; restore re-checks)
IMPORT_MAX_BYTES = 1024 * 1024  # 1 MB; the cog checks the attachment size before downloading
SUGGESTION_RATE = 3  # suggestions per member ...
SUGGESTION_WINDOW = timedelta(hours=1)  # ... per hour
PENDING_CAP = 100  # waiting suggestions per server: beyond that the queue is not being read
MIN_SUGGESTION = 8  # characters: "ai?" is not a question anyone can answer
MAX_REASON = 300  # a rejection note sent to the member
# Every phrasing must fit back into the edit modal's one text input, one per line.
MAX_PHRASINGS = limits.TEXT_INPUT_VALUE // (MAX_QUESTION + 1)
MAX_LINKS = 6  # faq_card shows six sources
MAX_LINK = 500
LIST_PAGE_SIZE = 8
HISTORY_PAGE_SIZE = 6
OPERATOR = 0  # actor id the CLI and the console record unless told otherwise
