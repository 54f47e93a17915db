-- The readable alert layout (issue 11): where a terms-change alert links to (the full diff, the
-- live page, the recorded version's text) and the curated clauses the change touches, both
-- worked out when the change was detected; and why a curated clause is pending review
-- ('missing': its quote vanished; 'nearby': a sentence of its paragraph changed).
ALTER TABLE alert ADD COLUMN links TEXT NOT NULL DEFAULT '{}';    -- JSON AlertLinks
ALTER TABLE alert ADD COLUMN clauses TEXT NOT NULL DEFAULT '[]';  -- JSON list of TouchedClause
ALTER TABLE clause_review ADD COLUMN reason TEXT NOT NULL DEFAULT 'missing';
