-- When a row was first handed to Discord (set before the send, so a crash cannot lose it).
-- Discord remembers a message's nonce for a few minutes only: a row pending for longer than
-- that may have been posted already, so delivery looks for its marker in the channel first.
ALTER TABLE outbox ADD COLUMN first_try_at TEXT;
