-- Guild FAQ entries written by moderators, with soft delete, versions, audit and suggestions.
CREATE TABLE guild_faq (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    question    TEXT NOT NULL,
    phrasings   TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
    answer      TEXT NOT NULL,
    platforms   TEXT NOT NULL DEFAULT '[]',   -- JSON list of platform ids
    topics      TEXT NOT NULL DEFAULT '[]',   -- JSON list of topic ids
    links       TEXT NOT NULL DEFAULT '[]',   -- JSON list of URLs
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_by  INTEGER,
    deleted_at  TEXT
);
CREATE INDEX guild_faq_by_guild ON guild_faq (guild_id, deleted_at);

-- A shipped (global) entry hidden in one guild.
CREATE TABLE guild_hidden_faq (
    guild_id   INTEGER NOT NULL,
    entry_id   TEXT NOT NULL,
    hidden_by  INTEGER NOT NULL,
    hidden_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, entry_id)
);

CREATE TABLE faq_audit (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    entry_ref  TEXT NOT NULL,          -- "guild-<n>" or a global entry id
    action     TEXT NOT NULL,          -- add | edit | remove | restore | hide | unhide | import | approve
    actor_id   INTEGER NOT NULL,
    at         TEXT NOT NULL,
    before     TEXT,                   -- JSON snapshot or NULL
    after      TEXT                    -- JSON snapshot or NULL
);
CREATE INDEX faq_audit_by_entry ON faq_audit (guild_id, entry_ref, id);

CREATE TABLE faq_suggestion (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    channel_id   INTEGER,
    question     TEXT NOT NULL,
    answer       TEXT,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at   TEXT NOT NULL,
    reviewed_by  INTEGER,
    reviewed_at  TEXT,
    reason       TEXT,
    entry_id     INTEGER REFERENCES guild_faq (id)
);
CREATE INDEX faq_suggestion_queue ON faq_suggestion (guild_id, status, id);
CREATE INDEX faq_suggestion_by_member ON faq_suggestion (guild_id, member_id, created_at);

-- Bumped in the same transaction as every change to a guild's FAQ, so any process (the bot,
-- the command line) can tell cheaply whether its cached search index is stale.
CREATE TABLE guild_faq_state (
    guild_id    INTEGER PRIMARY KEY,
    generation  INTEGER NOT NULL DEFAULT 0
);
