-- Languages: the language alerts are written in, per server and per channel, and moderators'
-- answers in other languages. NULL language: follow the server's (then Discord's) setting.
ALTER TABLE guild_config ADD COLUMN language TEXT;
ALTER TABLE subscription ADD COLUMN language TEXT;
ALTER TABLE guild_faq ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';  -- JSON {locale: answer}
