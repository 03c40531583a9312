"""Pseudonymous person references: refuse contact details (e-mail addresses, phone numbers).

An invitation's `reference` links a link to a person in a list the programme keeps
elsewhere. It must be a code that means nothing outside that list (``pps-0042``,
``L2025-00017``, a student number), never an e-mail address or a phone number: those
identify a person directly and would sit in clear in the database, in exports and backups.
"""

from __future__ import annotations

import re

from mel.disclosure.phones import looks_like_phone
from mel.models import Invitation

MAX_LENGTH: int = Invitation.__table__.c.reference.type.length  # type: ignore[attr-defined]

_EMAIL = re.compile(r"[^\s@]@[^\s@]")


def reference_problem(value: str) -> str | None:
    """Say why `value` cannot be a pseudonymous reference, or return None when it can.

    The rule:

    - longer than 64 characters: refused (the column's size);
    - an ``@`` with a character on either side: refused as an e-mail address;
    - a phone number: digits, optionally joined by spaces, dots, hyphens, slashes and
      brackets (``06-1234 5678``, ``(020) 123 4567``, ``+31 (0)6 12345678``), anywhere in the
      value, that read as ``+`` and 8 to 15 digits, ``00`` and 9 to 15 digits, ``0`` and 9
      digits (every Dutch number: ``0612345678``, ``0201234567``), or ``31`` and 9 digits.

    So codes with letters and short numbers pass (``pps-0042``, ``L2025-00017``, ``s1234567``),
    as do digit-only codes that no phone number looks like: any length other than ten, and
    ten digits not starting with 0 (``2025000123``). A ten-digit code that starts with 0 is
    indistinguishable from a Dutch phone number and is refused; a prefix (``st-``) fixes it.
    Nine digits are not treated as a phone number (too many codes look the same), so a
    mobile number written without its 0 (``612345678``) is not caught.
    """
    if len(value) > MAX_LENGTH:
        return f"is longer than {MAX_LENGTH} characters"
    if _EMAIL.search(value):
        kind = "an e-mail address"
    elif looks_like_phone(value):
        kind = "a phone number"
    else:
        return None
    return (
        f"looks like {kind}; a reference must be a pseudonymous code (e.g. pps-0042) that "
        "only your own list links to a person, never contact details"
    )
