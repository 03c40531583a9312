"""The page language of a request (`?lang=`, then the session) and the template helpers `t`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, session

from mel.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from mel.present.numbers import format_date, format_timestamp


def current_language() -> str:
    """Return the language of the page being built (nl outside a request)."""
    return g.get("lang", DEFAULT_LANGUAGE)


def current_address() -> str | None:
    """Return the address form ("je"/"u") of the survey being shown, if any."""
    return g.get("address")


def chosen_language() -> str | None:
    """Return the language the visitor chose (`?lang=` or earlier in the session), if any."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGUAGES else None


def language_url(lang: str) -> str:
    """Return the current page's URL with `lang` chosen (other query arguments kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])


def setup_i18n(app: Flask) -> None:
    """Pick each request's language; give templates `t`, `lang`, `other_lang` and the
    `timestamp` and `date` filters (Babel, in the page's language)."""

    @app.before_request
    def pick_language() -> None:
        """Set g.lang from ?lang= or the session (survey views refine it)."""
        g.lang = chosen_language() or DEFAULT_LANGUAGE

    @app.context_processor
    def language_context() -> dict[str, Any]:
        """Give templates the page language and the one to switch to."""
        lang = current_language()
        return {"lang": lang, "other_lang": "en" if lang == "nl" else "nl"}

    app.jinja_env.globals["t"] = lambda key, **values: translate(
        key, current_language(), address=current_address(), **values
    )
    app.jinja_env.globals["translate"] = lambda key, lang, **values: translate(
        key, lang, address=current_address(), **values
    )
    app.jinja_env.globals["language_url"] = language_url
    app.jinja_env.filters["timestamp"] = lambda value: format_timestamp(value, current_language())
    app.jinja_env.filters["date"] = lambda value, style="long": format_date(
        value, current_language(), style
    )
