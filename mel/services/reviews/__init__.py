"""Peer reviews and reflection meetings: coding findings into themes, theme counts with
pseudonymous quotes, and the follow-up of agreed actions at the next review (no Flask)."""
