"""The words put in place of what `mel.disclosure.quotes.scrub` removes, in a language."""

from __future__ import annotations

from mel.i18n import translate


def quote_markers(language: str) -> dict[str, str]:
    """Markers by kind of removed text ("email", "url", "phone", "name")."""
    return {
        "email": translate("quote_removed_email", language),
        "url": translate("quote_removed_url", language),
        "phone": translate("quote_removed_phone", language),
        "name": translate("quote_removed_name", language),
    }
