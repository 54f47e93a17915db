"""Storage: one SQLite file through aiosqlite, numbered migrations, one module per table group."""
