"""Bilingual text and shared base model for survey and programme files."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


class StrictModel(BaseModel):
    """Base for file models: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LocalText(StrictModel):
    """A user-facing text in Dutch (required) with English (falls back to Dutch)."""

    nl: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        # A plain string is not accepted: every text needs an explicit nl key, so that
        # a forgotten translation is visible in the file rather than guessed.
        if isinstance(value, str):
            raise ValueError("needs language keys, e.g. {nl: '…', en: '…'}")
        return value

    @model_validator(mode="after")
    def _nl_not_blank(self) -> LocalText:
        if not self.nl.strip():
            raise ValueError("the nl text is empty")
        return self

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Return the text in `language`, falling back to Dutch."""
        if language == "en" and self.en:
            return self.en
        return self.nl
