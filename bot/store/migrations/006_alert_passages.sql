-- Per-passage verdicts of a terms change (issue 11): what each added, removed or edited
-- sentence is about, for the alert layout; and the platform's display name as the source gave
-- it, so an alert about a platform without curated data keeps a readable name.
ALTER TABLE alert ADD COLUMN passages TEXT NOT NULL DEFAULT '[]';  -- JSON list of PassageVerdict
ALTER TABLE alert ADD COLUMN edits BIGINT NOT NULL DEFAULT 0;     -- substantive sentences changed
ALTER TABLE alert ADD COLUMN platform_name TEXT;
