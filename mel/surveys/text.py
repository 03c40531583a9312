"""Multilingual text and shared base model for survey and programme files."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator

from mel.surveys.languages import ISO_639_1

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


class StrictModel(BaseModel):
    """Base for file models: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LocalText(StrictModel):
    """A user-facing text in Dutch (required), English and further languages by ISO code.

    Keys besides `nl` and `en` are two-letter ISO 639-1 codes (`tr`, `ar`, `pl`, …); any
    other key is an error naming it. `get` falls back from a missing language to English,
    then Dutch; English falls back to Dutch.
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    nl: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys_are_languages(cls, value: object) -> object:
        # A plain string is not accepted: every text needs an explicit nl key, so that
        # a forgotten translation is visible in the file rather than guessed.
        if isinstance(value, str):
            raise ValueError("needs language keys, e.g. {nl: '…', en: '…'}")
        if isinstance(value, dict):
            for key, text in value.items():
                if key in LANGUAGES:
                    continue
                if not isinstance(key, str) or key not in ISO_639_1:
                    raise ValueError(
                        f"unknown language key {key!r}: use nl, en or a two-letter "
                        "ISO 639-1 code in lower case (e.g. fr, ar, tr)"
                    )
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"the {key} text is empty or not text")
        return value

    @model_validator(mode="after")
    def _nl_not_blank(self) -> LocalText:
        if not self.nl.strip():
            raise ValueError("the nl text is empty")
        return self

    @property
    def others(self) -> dict[str, str]:
        """Return the texts in languages besides nl and en, by code."""
        return dict(self.model_extra or {})

    @property
    def languages(self) -> frozenset[str]:
        """Return the codes of the languages this text is given in."""
        return frozenset({"nl", *(["en"] if self.en else []), *self.others})

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Return the text in `language`; a missing one falls back to English, then Dutch."""
        if language == "nl":
            return self.nl
        if language != "en" and (text := self.others.get(language)):
            return text
        return self.en or self.nl
