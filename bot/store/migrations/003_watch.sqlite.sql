-- The watcher: polled sources, what they showed, alerts, the delivery outbox, subscriptions and
-- curated clauses that need review. Times are ISO-8601 UTC text.

-- Per-source polling state, for shipped (sources.toml) and guild-added sources alike.
CREATE TABLE source_state (
    source_id       TEXT PRIMARY KEY,
    etag            TEXT,              -- validators of the last 200 response (never empty strings)
    last_modified   TEXT,
    body_hash       TEXT,              -- sha256 of the last body: identical bodies skip parsing
    content_hash    TEXT,              -- page/ota: hash of the normalised text now showing
    baseline_at     TEXT,              -- first successful poll (recorded, alerted nothing)
    last_checked_at TEXT,
    last_ok_at      TEXT,
    last_change_at  TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,   -- consecutive
    last_error      TEXT,
    last_error_at   TEXT,
    next_poll_at    TEXT,
    paused_at       TEXT,              -- set after repeated failures; cleared by resume
    paused_reason   TEXT
);

-- Sources a guild added itself (capped per guild); their alerts go to that guild only.
CREATE TABLE guild_source (
    id          TEXT PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('rss', 'page')),
    url         TEXT NOT NULL,
    platform    TEXT,
    document    TEXT,
    select_css  TEXT,                  -- JSON: OTA select (string or list)
    remove_css  TEXT,                  -- JSON: OTA remove
    interval_s  INTEGER,
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (guild_id, url)
);
CREATE INDEX guild_source_by_guild ON guild_source (guild_id);

-- Dedupe keys of feed items already seen (hashed guid/id, link; kept for good).
CREATE TABLE seen_item (
    source_id  TEXT NOT NULL,
    item_key   TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (source_id, item_key)
) WITHOUT ROWID;

-- Normalised text of page/ota versions; a few recent ones per source are kept.
CREATE TABLE snapshot (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL,
    text_hash   TEXT NOT NULL,
    text        TEXT NOT NULL,
    version_url TEXT,
    taken_at    TEXT NOT NULL
);
CREATE INDEX snapshot_by_source ON snapshot (source_id, id);

CREATE TABLE alert (
    id           TEXT PRIMARY KEY,     -- deterministic: the same change always has the same id
    source_id    TEXT NOT NULL,
    guild_id     INTEGER,              -- guild-added source: only this guild receives it
    platform     TEXT,
    document     TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('news', 'terms-change')),
    title        TEXT NOT NULL,
    url          TEXT NOT NULL,
    relevance    REAL NOT NULL,
    ai_relevant  INTEGER NOT NULL,
    added        TEXT NOT NULL,        -- JSON list of passages
    removed      TEXT NOT NULL,        -- JSON list of passages
    why          TEXT NOT NULL,        -- JSON list of matched terms
    fingerprint  TEXT NOT NULL,        -- JSON list of passage hashes (cross-source dedupe)
    detected_at  TEXT NOT NULL
);
CREATE INDEX alert_by_document ON alert (platform, document, detected_at);

-- Operational notices delivered like alerts (a source paused after repeated failures).
CREATE TABLE notice (
    id          TEXT PRIMARY KEY,
    source_id   TEXT NOT NULL,
    guild_id    INTEGER,
    platform    TEXT,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One row per (alert or notice, channel); written in the transaction that created the alert.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    alert_id        TEXT REFERENCES alert (id),
    notice_id       TEXT REFERENCES notice (id),
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
    CHECK ((alert_id IS NULL) <> (notice_id IS NULL)),
    UNIQUE (alert_id, channel_id),
    UNIQUE (notice_id, channel_id)
);
CREATE INDEX outbox_due ON outbox (status, next_try_at);

-- A channel's subscription: all platforms (all_platforms = 1) or the listed ones.
CREATE TABLE subscription (
    channel_id      INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    all_platforms   INTEGER NOT NULL,
    only_ai         INTEGER NOT NULL DEFAULT 1,
    mention_role_id INTEGER,
    paused_reason   TEXT,              -- set when Discord refused delivery for good
    updated_by      INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX subscription_by_guild ON subscription (guild_id);

CREATE TABLE subscription_platform (
    channel_id  INTEGER NOT NULL REFERENCES subscription (channel_id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    PRIMARY KEY (channel_id, platform)
) WITHOUT ROWID;
CREATE INDEX subscription_platform_by_platform ON subscription_platform (platform);

-- Curated clauses whose exact quote vanished from the watched document.
CREATE TABLE clause_review (
    clause_id    TEXT PRIMARY KEY,
    source_id    TEXT NOT NULL,
    flagged_at   TEXT NOT NULL,
    resolved_at  TEXT,
    resolution   TEXT                  -- 'reviewed' (operator) | 'quote found again'
);
