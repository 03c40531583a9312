"""The error of backing up and restoring."""

from __future__ import annotations


class BackupError(RuntimeError):
    """A backup or restore cannot be done as asked; the message says why and what to do."""
