"""Storage: SQLite (aiosqlite) or PostgreSQL (asyncpg) behind one interface (``bot.store.db``),
numbered migrations per dialect, one module per table group."""
