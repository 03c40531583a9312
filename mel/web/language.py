"""The page language of a request (`?lang=`, then the session) and the template helpers `t`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Flask, g, request, session

from mel.i18n import DEFAULT_LANGUAGE, LANGUAGES, interface_language, translate
from mel.present.numbers import format_date, format_timestamp
from mel.surveys.languages import (
    RIGHT_TO_LEFT,
    direction,
    language_name,
)

if TYPE_CHECKING:
    from mel.surveys.schema import InstrumentDefinition


def current_language() -> str:
    """Return the language of the page being built (nl outside a request)."""
    return g.get("lang", DEFAULT_LANGUAGE)


def current_address() -> str | None:
    """Return the address form ("je"/"u") of the survey being shown, if any."""
    return g.get("address")


def chosen_language(offered: tuple[str, ...] = LANGUAGES) -> str | None:
    """Return the language the visitor chose (`?lang=` or earlier in the session), if any.

    `offered` are the languages the page has: nl and en, or a survey's own languages.
    """
    asked = request.args.get("lang")
    if asked in offered:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in offered else None


def survey_languages(survey: InstrumentDefinition | None) -> tuple[str, ...]:
    """Return the languages a survey's pages offer: nl, en and every further one it carries."""
    extra = [code for code in survey.languages if code not in LANGUAGES] if survey else []
    return (*LANGUAGES, *extra)


def offer_languages(offered: tuple[str, ...]) -> None:
    """Make the language switch of this page offer `offered` (a survey's languages)."""
    g.offered = offered


def switch_languages(lang: str) -> list[str]:
    """Return the languages the page's switch offers besides `lang`."""
    return [code for code in g.get("offered") or LANGUAGES if code != lang]


def language_url(lang: str) -> str:
    """Return the current page's URL with `lang` chosen (other query arguments kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])


def setup_i18n(app: Flask) -> None:
    """Pick each request's language; give templates `t`, `lang`, `other_lang`,
    `switch_languages`, `dir` (rtl for Arabic, Persian, Hebrew, Urdu, …), `ui_lang` (the
    interface words' language) and the `timestamp` and `date` filters (Babel)."""

    @app.before_request
    def pick_language() -> None:
        """Set g.lang from ?lang= or the session (survey views refine it)."""
        g.lang = chosen_language() or DEFAULT_LANGUAGE

    @app.context_processor
    def language_context() -> dict[str, Any]:
        """Give templates the page language and the one to switch to."""
        lang = current_language()
        return {
            "lang": lang,
            "other_lang": "en" if lang == "nl" else "nl",
            "switch_languages": switch_languages(lang),
            "dir": direction(lang),
            "ui_lang": interface_language(lang),
        }

    app.jinja_env.globals["t"] = lambda key, **values: translate(
        key, current_language(), address=current_address(), **values
    )
    app.jinja_env.globals["translate"] = lambda key, lang, **values: translate(
        key, lang, address=current_address(), **values
    )
    app.jinja_env.globals["language_url"] = language_url
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["rtl_languages"] = RIGHT_TO_LEFT
    app.jinja_env.filters["timestamp"] = lambda value: format_timestamp(value, current_language())
    app.jinja_env.filters["date"] = lambda value, style="long": format_date(
        value, current_language(), style
    )
