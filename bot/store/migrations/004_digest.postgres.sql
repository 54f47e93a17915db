-- Weekly digests: a subscription may collect its alerts into one message a week.
-- Weeks run from Monday 00:00 UTC to the next Monday 00:00 UTC (bot.alerts.digest).
-- PostgreSQL: the outbox gains its digest column in place (SQLite rebuilds the table to change
-- its CHECK); every integer is BIGINT.

-- 'instant' (each alert as it comes, the default) or 'weekly' (one digest a week).
ALTER TABLE subscription ADD COLUMN mode TEXT NOT NULL DEFAULT 'instant'
    CHECK (mode IN ('instant', 'weekly'));

-- One digest message for one channel, built once when its week closed.
CREATE TABLE digest (
    id          TEXT PRIMARY KEY,      -- deterministic: the same (channel, week) always
    guild_id    BIGINT NOT NULL,
    channel_id  BIGINT NOT NULL,
    week_start  TEXT NOT NULL,         -- Monday 00:00 UTC of the week it covers (ISO-8601)
    created_at  TEXT NOT NULL,
    UNIQUE (channel_id, week_start)
);

-- An alert waiting for (digest_id NULL) or listed in (digest_id set) one channel's digest.
CREATE TABLE digest_item (
    alert_id     TEXT NOT NULL REFERENCES alert (id),
    channel_id   BIGINT NOT NULL,
    guild_id     BIGINT NOT NULL,
    detected_at  TEXT NOT NULL,        -- the alert's, so a digest claims its week's alerts
    digest_id    TEXT REFERENCES digest (id),
    PRIMARY KEY (alert_id, channel_id)
);
CREATE INDEX digest_item_waiting ON digest_item (digest_id, channel_id, detected_at);

-- The outbox now delivers digests too: exactly one of alert, notice or digest per row.
ALTER TABLE outbox ADD COLUMN digest_id TEXT REFERENCES digest (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_one_subject;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_subject CHECK (
    (CASE WHEN alert_id IS NULL THEN 0 ELSE 1 END)
    + (CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END)
    + (CASE WHEN digest_id IS NULL THEN 0 ELSE 1 END) = 1
);
ALTER TABLE outbox ADD CONSTRAINT outbox_digest_channel UNIQUE (digest_id, channel_id);

-- /alerts preview: the newest alert of a platform.
CREATE INDEX alert_by_platform ON alert (platform, detected_at);
