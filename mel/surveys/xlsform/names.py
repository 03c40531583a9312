"""Names and codes as mel writes them (lower-case letters, digits and _; a letter first)."""

from __future__ import annotations

import re
import unicodedata

from mel.surveys.checks import RESERVED_NAMES


def mel_name(original: str) -> str:
    """Make an XLSForm name fit mel's rule (lower-case letters, digits, _; a letter first)."""
    ascii_name = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9_]+|__+", "_", ascii_name.strip().lower()).strip("_")
    name = name if re.match(r"^[a-z]", name) else f"q_{name}".rstrip("_")
    return f"q_{name}" if name in RESERVED_NAMES else name


def slug(text: str, prefix: str) -> str:
    """Make a code that fits mel's rule for instrument and programme codes."""
    code = re.sub(r"[^a-z0-9]+", "-", mel_name(text).replace("_", "-")).strip("-")
    return code if re.match(r"^[a-z]", code) else f"{prefix}-{code}".rstrip("-")
