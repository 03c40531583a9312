"""Plain factory functions for tests: small survey definitions and database rows."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml


def survey_dict(**overrides: Any) -> dict[str, Any]:
    """Return a small valid survey definition as a dict."""
    survey: dict[str, Any] = {
        "instrument": "test-survey",
        "programme": "test-programme",
        "version": 1,
        "title": {"nl": "Testvragenlijst", "en": "Test survey"},
        "choices": {
            "ja_nee": [{"value": "ja", "label": {"nl": "Ja", "en": "Yes"}},
                       {"value": "nee", "label": {"nl": "Nee", "en": "No"}}],
        },
        "pages": [
            {"name": "start", "title": {"nl": "Start", "en": "Start"}, "questions": [
                {"name": "cijfer", "type": "rating", "min": 1, "max": 10, "required": True,
                 "label": {"nl": "Welk cijfer geeft u?", "en": "Which mark do you give?"}},
                {"name": "verder", "type": "select_one", "choices": "ja_nee",
                 "label": {"nl": "Verder?", "en": "Continue?"}},
            ]},
            {"name": "vervolg", "relevant": {"question": "verder", "equals": "ja"},
             "questions": [
                 {"name": "toelichting", "type": "text",
                  "label": {"nl": "Toelichting", "en": "Explanation"}},
             ]},
        ],
    }
    survey.update(copy.deepcopy(overrides))
    return survey


def programme_dict(**overrides: Any) -> dict[str, Any]:
    """Return a small valid programme definition matching `survey_dict`."""
    programme: dict[str, Any] = {
        "programme": "test-programme",
        "label": {"nl": "Testprogramma", "en": "Test programme"},
        "unit_kinds": ["werkplaats"],
        "pathways": [{
            "code": "pad",
            "label": {"nl": "Pad", "en": "Pathway"},
            "nodes": [
                {"code": "act", "level": "activity", "label": {"nl": "Activiteit"}},
                {"code": "res", "level": "outcome", "label": {"nl": "Resultaat"}},
            ],
            "links": [{"from": "act", "to": "res"}],
        }],
        "kpis": [{
            "code": "cijfer",
            "label": {"nl": "Gemiddeld cijfer", "en": "Mean mark"},
            "definition": {"nl": "Gemiddeld cijfer", "en": "Mean mark"},
            "node": "pad.res",
            "estimator": "mean",
            "instrument": "test-survey",
            "question": "cijfer",
            "baseline": {"year": 2024, "value": 7.1},
            "targets": [{"year": 2025, "value": 7.2}],
        }],
    }
    programme.update(copy.deepcopy(overrides))
    return programme


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    """Write `data` as YAML to `path` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_catalogue(folder: Path, survey: dict[str, Any] | None = None,
                    programme: dict[str, Any] | None = None) -> Path:
    """Write a programme folder with one survey and its programme.yaml; return the folder."""
    write_yaml(folder / "programme.yaml", programme or programme_dict())
    write_yaml(folder / "survey.yaml", survey or survey_dict())
    return folder
