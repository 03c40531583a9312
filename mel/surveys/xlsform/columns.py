"""The XLSForm columns mel knows: their spellings, and whether mel converts them.

One table per sheet says, for every column pyxform accepts, either `CONVERTED` or why it is
not (usually the engine feature it would need). A column whose feature mel lacks is listed
with its sheet and row wherever it has a value, so that an import never changes a survey
silently; when the engine gains the feature, its entry here switches to `CONVERTED`.

Header spellings follow pyxform's own rules (read in `pyxform.aliases` and
`pyxform.parsing.sheet_headers`; mirrored here, not copied): a header is split on `::`
(or on `:` in older forms, `jr:` staying whole), its first part is put in snake_case and
looked up among the aliases, and `bind::`/`control::`/`media::` name the XForm attribute.
"""

from __future__ import annotations

import re

CONVERTED = ""
# Columns whose cells are texts in a language (`label::English (en)`).
TEXTS = frozenset(
    {
        "label",
        "hint",
        "guidance_hint",
        "constraint_message",
        "required_message",
        "image",
        "audio",
        "video",
        "big-image",
    }
)
MEDIA = "media (images, audio, video)"
SURVEY = {
    "type": CONVERTED,
    "name": CONVERTED,
    "label": CONVERTED,
    "hint": CONVERTED,
    "required": CONVERTED,
    "relevant": CONVERTED,
    "constraint": CONVERTED,
    "constraint_message": CONVERTED,
    "appearance": CONVERTED,
    "parameters": CONVERTED,
    # Written by `mel surveys export-xlsform` for what XLSForm has no column for.
    "mel_type": CONVERTED,
    "mel_reverse": CONVERTED,
    "mel_sensitive": CONVERTED,
    "mel_min": CONVERTED,
    "mel_max": CONVERTED,
    "mel_expression": CONVERTED,
    "mel_constraint": CONVERTED,
    "mel_max_rows": CONVERTED,
    "mel_row_label": CONVERTED,
    "mel_plausible": CONVERTED,
    "mel_page": CONVERTED,
    "calculation": CONVERTED,
    "default": "default answers",
    "choice_filter": CONVERTED,
    "repeat_count": CONVERTED,
    "read_only": "read-only questions",
    "trigger": "triggered calculations",
    "required_message": "messages for required questions",
    "guidance_hint": "guidance hints",
    "no_app_error_string": "app error strings",
    "image": MEDIA,
    "audio": MEDIA,
    "video": MEDIA,
    "big-image": MEDIA,
    "autoplay": MEDIA,
    "rows": "text box heights",
    "query": "external choice queries",
    "list_name": "select_one_from_file lists",
    "save_to": "entities (save_to)",
    "compact_tag": "compact tags",
}
CHOICES = {
    "list_name": CONVERTED,
    "name": CONVERTED,
    "label": CONVERTED,
    "mel_integer": CONVERTED,
    "image": MEDIA,
    "audio": MEDIA,
    "video": MEDIA,
    "big-image": MEDIA,
}
# Any other column of the choices sheet (one word, no language) is an attribute of the
# choice, which a question's choice_filter can read, as pyxform reads it.
SETTINGS = {
    "form_title": CONVERTED,
    "form_id": CONVERTED,
    "version": CONVERTED,
    "default_language": CONVERTED,
    # Written by `mel surveys export-xlsform` for what XLSForm has no setting for.
    "programme": CONVERTED,
    "mel_respondent": CONVERTED,
    "mel_address_form": CONVERTED,
    "mel_description": CONVERTED,
    "mel_title": CONVERTED,
    "mel_consent": CONVERTED,
    "mel_review": CONVERTED,
    "mel_census": CONVERTED,
    "public_key": "encrypted submissions (public_key)",
    "submission_url": "submission URLs",
    "instance_name": "instance names",
    "style": "form styles (pages/theme-grid)",
    "allow_choice_duplicates": "duplicate choice values",
    "clean_text_values": "text cleaning settings",
    "namespaces": "XML namespaces",
    "auto_send": "auto-send",
    "auto_delete": "auto-delete",
    "prefix": "compact prefixes",
    "delimiter": "compact delimiters",
    "omit_instanceid": "instance ids",
    "client_editable": "client-editable submissions",
    "instance_xmlns": "instance namespaces",
    "name": "the XForm root name",
}
# Features inside cells rather than whole columns, by the same rule: CONVERTED, or what
# the note says (an engine that gains the feature switches its entry to CONVERTED).
IN_CELLS = {
    "piping": CONVERTED,  # ${q} in a label, hint or choice label
    "month-year": "mel asks a full date (day, month, year)",  # date appearances
    "year": "mel asks a full date (day, month, year)",
    "search()": "choices from search() are not converted "
    "(mel offers the choice list on the choices sheet)",
}
# Other sheets pyxform reads, and what they would need.
OTHER_SHEETS = {
    "external_choices": "external choice lists (select_one_external)",
    "entities": "entities",
    "osm": "OpenStreetMap questions",
}
# The spellings pyxform accepts for each column (first part of the header, snake_case).
SURVEY_ALIASES = {
    "readonly": "read_only",
    "relevance": "relevant",
    "caption": "label",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "calculate": "calculation",
    "command": "type",
    "tag": "name",
    "value": "name",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "noapperrorstring": "no_app_error_string",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
}
CHOICES_ALIASES = {"caption": "label", "value": "name", "list": "list_name"}
SETTINGS_ALIASES = {"set_form_title": "form_title", "set_form_id": "form_id"}
# `bind::x`, `control::x` (alias `body::x`) and `media::x` headers name the XForm attribute.
PREFIXED = {
    "bind": {
        "relevant": "relevant",
        "constraint": "constraint",
        "required": "required",
        "jr:constraintmsg": "constraint_message",
        "jr:requiredmsg": "required_message",
        "calculate": "calculation",
        "readonly": "read_only",
        "jr:noapperrorstring": "no_app_error_string",
        "entities:saveto": "save_to",
    },
    "control": {
        "appearance": "appearance",
        "jr:count": "repeat_count",
        "autoplay": "autoplay",
        "rows": "rows",
    },
    "media": {"image": "image", "big-image": "big-image", "audio": "audio", "video": "video"},
}
PREFIXED["body"] = PREFIXED["control"]
SHEETS = {
    "survey": (SURVEY, SURVEY_ALIASES),
    "choices": (CHOICES, CHOICES_ALIASES),
    "settings": (SETTINGS, SETTINGS_ALIASES),
}


def snake(text: str) -> str:
    """Put a header part in snake_case as pyxform does ('List Name' → 'list_name')."""
    return "_".join(text.split()).lower()


def split_header(header: str, double_colon: bool) -> list[str]:
    """Split a header into parts: on '::', or on ':' in older forms (keeping 'jr:x' whole)."""
    if double_colon or "::" in header:
        return [p.strip() for p in header.split("::")]
    parts = [p.strip() for p in header.split(":")]
    while "jr" in parts[:-1]:
        at = parts.index("jr")
        parts[at : at + 2] = [f"jr:{parts[at + 1]}"]
    return parts


def resolve(sheet: str, header: str, double_colon: bool) -> tuple[str | None, str | None]:
    """Return (column, language suffix) of a header, or (None, None) for an unknown one.

    The column is the name in this module's tables; the suffix is the part after the
    column (`English (en)`), or None when the header has no language.
    """
    columns, aliases = SHEETS.get(sheet, ({}, {}))
    if snake(header) in columns:
        return snake(header), None
    parts = split_header(header, double_colon)
    first = snake(parts[0])
    if first in PREFIXED and len(parts) > 1 and sheet == "survey":
        column = PREFIXED[first].get(parts[1].lower())
        if column is None:
            return None, None
        parts = [column, *parts[2:]]
    else:
        column = aliases.get(first, first)
        if column not in columns and sheet == "choices" and len(parts) == 1:
            return column, None
        if column not in columns and sheet == "survey" and re.match(r"sms_", column):
            return column, None
        if column not in columns:
            return None, None
        parts = [column, *parts[1:]]
    suffix = "::".join(parts[1:]) or None
    return column, suffix


def status(sheet: str, column: str) -> str:
    """Return '' when mel converts a column, else the feature it would need."""
    columns = SHEETS[sheet][0]
    if column.startswith("sms_"):
        return "SMS forms"
    if sheet == "choices" and column not in columns:
        return CONVERTED  # a choice attribute
    return columns.get(column, "an unknown column")
