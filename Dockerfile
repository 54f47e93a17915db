# Fine Print — the same steps as the Makefile's `make run`: a venv, `pip install -e .`, `python -m bot`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FINEPRINT_DB=/data/fineprint.db

RUN useradd --create-home --uid 10001 fineprint \
    && mkdir /data && chown fineprint:fineprint /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data

RUN python -m venv .venv \
    && .venv/bin/python -m pip install --quiet --upgrade pip \
    && .venv/bin/python -m pip install --quiet --no-cache-dir -e .

# The database (and its WAL files) live on a volume so upgrades never lose alerts or FAQ entries.
VOLUME ["/data"]
USER fineprint

# DISCORD_TOKEN comes from the environment at run time (docker run -e DISCORD_TOKEN=…), never
# from the image. Without it the bot starts in console mode.
CMD [".venv/bin/python", "-m", "bot"]
