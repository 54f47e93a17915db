-- The order a server added its sources in, so /feeds lists them that way even when two were
-- added within the same clock tick (added_at ties; SQLite's rowid does not exist on PostgreSQL).
ALTER TABLE guild_source ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
