"""Shipped label templates (JSON), read with importlib.resources by desktop.labels."""
