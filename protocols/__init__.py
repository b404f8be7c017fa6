"""Paradigm replays: one experiment per module, readable like a methods section."""
