-- "Not what I asked": each press under an answer, and the alternative the member then picked.
-- No user ids: what was asked, what was shown and what was chosen is all a label needs.
CREATE TABLE answer_feedback (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER,                -- NULL: a direct message or the console
    query        TEXT NOT NULL,
    shown_kind   TEXT,                   -- the answer that was not it (NULL: none was shown)
    shown_id     TEXT,
    chosen_kind  TEXT,                   -- the alternative picked afterwards (NULL: none yet)
    chosen_id    TEXT,
    pressed_at   TEXT NOT NULL,
    chosen_at    TEXT
);
CREATE INDEX answer_feedback_by_guild ON answer_feedback (guild_id, id);
