-- Weekly digests: a subscription may collect its alerts into one message a week.
-- Weeks run from Monday 00:00 UTC to the next Monday 00:00 UTC (bot.alerts.digest).

-- 'instant' (each alert as it comes, the default) or 'weekly' (one digest a week).
ALTER TABLE subscription ADD COLUMN mode TEXT NOT NULL DEFAULT 'instant'
    CHECK (mode IN ('instant', 'weekly'));

-- One digest message for one channel, built once when its week closed.
CREATE TABLE digest (
    id          TEXT PRIMARY KEY,      -- deterministic: the same (channel, week) always
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    week_start  TEXT NOT NULL,         -- Monday 00:00 UTC of the week it covers (ISO-8601)
    created_at  TEXT NOT NULL,
    UNIQUE (channel_id, week_start)
);

-- An alert waiting for (digest_id NULL) or listed in (digest_id set) one channel's digest.
-- Written in the transaction that records the alert, exactly like an outbox row; the primary
-- key makes an alert one item per channel, and an item is claimed by one digest only.
CREATE TABLE digest_item (
    alert_id     TEXT NOT NULL REFERENCES alert (id),
    channel_id   INTEGER NOT NULL,
    guild_id     INTEGER NOT NULL,
    detected_at  TEXT NOT NULL,        -- the alert's, so a digest claims its week's alerts
    digest_id    TEXT REFERENCES digest (id),
    PRIMARY KEY (alert_id, channel_id)
);
CREATE INDEX digest_item_waiting ON digest_item (digest_id, channel_id, detected_at);

-- The outbox now delivers digests too: exactly one of alert, notice or digest per row.
CREATE TABLE outbox_004 (
    id              INTEGER PRIMARY KEY,
    alert_id        TEXT REFERENCES alert (id),
    notice_id       TEXT REFERENCES notice (id),
    digest_id       TEXT REFERENCES digest (id),
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    mention_role_id INTEGER,
    nonce           TEXT NOT NULL,     -- deterministic, <= 25 chars: Discord's enforce_nonce
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_try_at     TEXT NOT NULL,
    last_error      TEXT,
    message_id      INTEGER,
    created_at      TEXT NOT NULL,
    done_at         TEXT,
    CHECK ((CASE WHEN alert_id IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN digest_id IS NULL THEN 0 ELSE 1 END) = 1),
    UNIQUE (alert_id, channel_id),
    UNIQUE (notice_id, channel_id),
    UNIQUE (digest_id, channel_id)
);
INSERT INTO outbox_004 (id, alert_id, notice_id, guild_id, channel_id, mention_role_id, nonce,
                        status, attempts, next_try_at, last_error, message_id, created_at, done_at)
    SELECT id, alert_id, notice_id, guild_id, channel_id, mention_role_id, nonce, status,
           attempts, next_try_at, last_error, message_id, created_at, done_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_004 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_try_at);

-- /alerts preview: the newest alert of a platform.
CREATE INDEX alert_by_platform ON alert (platform, detected_at);
