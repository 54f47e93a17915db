"""The string keys of the topic labels (the vocabulary itself is ``bot.knowledge.topics``)."""

from bot.knowledge.topics import TOPIC_IDS

TOPIC_LABELS: dict[str, str] = {topic: f"topic.{topic}" for topic in TOPIC_IDS}
