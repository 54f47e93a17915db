-- Core: per-guild settings and "told once" notices.
CREATE TABLE guild_config (
    guild_id     INTEGER PRIMARY KEY,
    mod_role_id  INTEGER,
    updated_by   INTEGER,
    updated_at   TEXT NOT NULL
);

-- A notice a guild must be told once (a paused source, a channel we cannot post in).
CREATE TABLE guild_notice (
    guild_id  INTEGER NOT NULL,
    key       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
);
