-- Work several processes share (FINEPRINT_SHARDS over one PostgreSQL database): the poller
-- lease, claims on outbox rows, the global request budget, and who is running.
-- Times here are seconds since 1970 by the DATABASE's clock (Dialect.epoch_now), so processes
-- on machines whose clocks disagree still agree on when a lease ends.

-- A process delivering a row claims it until claimed_until; a process that dies leaves its
-- claim to expire, and another one takes the row again (same nonce).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until DOUBLE PRECISION;
-- Claims take pending rows oldest first: this index walks just those, in that order, however
-- many sent rows the table holds.
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';

-- A named role one process holds at a time (the poller), until expires_at unless renewed.
CREATE TABLE lease (
    name         TEXT PRIMARY KEY,
    holder       TEXT NOT NULL,
    expires_at   DOUBLE PRECISION NOT NULL,
    acquired_at  DOUBLE PRECISION NOT NULL
);

-- A request budget several processes draw from (Discord's global limit): the time by which
-- every turn reserved so far has come, at the budget's rate (bot.store.buckets, GCRA).
CREATE TABLE rate_bucket (
    name  TEXT PRIMARY KEY,
    tat   DOUBLE PRECISION NOT NULL
);

-- Each server's language in Discord's settings (its preferred locale), written by the process
-- running its shard: any process delivering to the server renders its alerts in it.
CREATE TABLE guild_locale (
    guild_id  BIGINT PRIMARY KEY,
    locale    TEXT NOT NULL
);

-- Each running process (bot, console, watch), seen at its last heartbeat.
CREATE TABLE process (
    id          TEXT PRIMARY KEY,   -- host:pid:random, the holder name its leases and claims use
    host        TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    shards      TEXT,               -- FINEPRINT_SHARDS of a bot process ("0-3/8"); NULL: all
    started_at  DOUBLE PRECISION NOT NULL,
    seen_at     DOUBLE PRECISION NOT NULL
);
