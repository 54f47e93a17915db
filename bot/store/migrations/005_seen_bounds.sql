-- Bounded memory of what a source showed (bot/store/seen.py says what is kept and why).
-- A key's last_poll is the number of the source's read (source_state.key_polls) in which the key
-- was last in the feed; keys from before this migration count as read 0, the oldest.
ALTER TABLE seen_item ADD COLUMN last_poll BIGINT NOT NULL DEFAULT 0;
ALTER TABLE source_state ADD COLUMN key_polls BIGINT NOT NULL DEFAULT 0;
CREATE INDEX seen_item_by_poll ON seen_item (source_id, last_poll);
