-- Core: per-guild settings and "told once" notices. PostgreSQL: every integer is BIGINT.
CREATE TABLE guild_config (
    guild_id     BIGINT PRIMARY KEY,
    mod_role_id  BIGINT,
    updated_by   BIGINT,
    updated_at   TEXT NOT NULL
);

-- A notice a guild must be told once (a paused source, a channel we cannot post in).
CREATE TABLE guild_notice (
    guild_id  BIGINT NOT NULL,
    key       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
);
