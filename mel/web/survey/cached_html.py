"""Survey page fragments rendered once and reused: options, and whole unanswered questions.

Rendering a question through Jinja macros on every request was the largest part of a page's
CPU time (a Likert matrix alone has dozens of inputs). What a fragment looks like depends
on the question, the language and which listed options are checked, so it is rendered once
per such state and joined on later views. Only states made of the definition's own values
are cached: typed text, error messages or a posted value that is not an option are always
rendered afresh, so no participant's words are kept and the cache stays small. The HTML
itself stays in `survey/fields.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app, g
from markupsafe import Markup

from mel.web.survey.forms import Item
from mel.web.survey.piped import PersonalOptions

CACHE_SIZE = 4096  # fragments kept per app and kind (a survey needs a few hundred)
Pieces = tuple[tuple[str, Markup, Markup], ...]


def option_inputs(
    options: Sequence[tuple[str, str]], name: str, id: str, value: Any, type: str = "radio"
) -> Markup:
    """Return the inputs of a choice (radio or checkbox) with the chosen value(s) checked."""
    chosen = value if type == "checkbox" and isinstance(value, list | tuple) else (value,)
    if isinstance(options, PersonalOptions):  # labels with a participant's answers
        pieces = _render_options(tuple(options), name, id, type)
        return Markup("").join([on if option in chosen else off for option, off, on in pieces])
    pieces = _cached(
        "options",
        (tuple(options), name, id, type),
        lambda: _render_options(tuple(options), name, id, type),
    )
    return Markup("").join([on if option in chosen else off for option, off, on in pieces])


def question_html(item: Item) -> Markup:
    """Return a question's HTML, from the cache when it shows only the definition's values."""
    state = _state(item)
    if state is None:
        return _macro("question")(item)
    key = (item.handler, getattr(g, "lang", None), state)
    return _cached("questions", key, lambda: _macro("question")(item))


def _state(item: Item) -> tuple[Any, ...] | None:
    """Return what an item shows beyond its definition, or None if that is not cacheable."""
    if item.personal:  # shows a participant's answers (piping)
        return None
    if item.errors or (item.other is not None and (item.other.value or item.other.errors)):
        return None
    listed = {value for value, _ in item.options}
    if item.kind == "likert":
        values = tuple(row.value or "" for row in item.rows)
        ok = not any(row.errors for row in item.rows)
    elif item.kind == "multi":
        values = tuple(item.value or ())
        ok = True
    elif item.kind in ("choice", "scale"):
        values = (item.value or "",)
        ok = True
    else:  # typed-in kinds and notes: only while empty
        return () if item.value in (None, "") else None
    if not ok or not all(isinstance(v, str) and (v == "" or v in listed) for v in values):
        return None
    return values


def _render_options(options: tuple[tuple[str, str], ...], name: str, id: str, type: str) -> Pieces:
    """Render each option unchecked and checked: (value, unchecked HTML, checked HTML)."""
    option = _macro("option")
    return tuple(
        (
            str(value),
            option(type, f"{id}-{index}", name, value, label, False),
            option(type, f"{id}-{index}", name, value, label, True),
        )
        for index, (value, label) in enumerate(options)
    )


def _macro(name: str) -> Any:
    """Return a macro of `survey/fields.html`."""
    return getattr(current_app.jinja_env.get_template("survey/fields.html").module, name)


def _cached(kind: str, key: tuple[Any, ...], make: Any) -> Any:
    """Return the cached fragment for `key`, making it on first use (or always, in debug)."""
    if current_app.jinja_env.auto_reload:  # templates may change while debugging
        return make()
    cache: dict[tuple[Any, ...], Any] = current_app.extensions["mel.cached_html"][kind]
    found = cache.get(key)
    if found is None:
        found = make()
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = found  # a race only renders twice: both results are equal
    return found


def init_app(app: Flask) -> None:
    """Give templates `option_inputs` and `question_html`, and the app its caches."""
    app.extensions["mel.cached_html"] = {"options": {}, "questions": {}}
    app.jinja_env.globals["option_inputs"] = option_inputs
    app.jinja_env.globals["question_html"] = question_html
