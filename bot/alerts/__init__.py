"""Alerts: the model, the renderer (Alert -> Reply) and the persistent outbox's delivery."""
