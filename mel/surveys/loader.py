"""Load survey and programme files into typed definitions, with located problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mel.surveys.checks import check_instrument, check_programme
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition
from mel.surveys.yamlfile import FileProblems, Problem, YamlDocument, read_yaml

PROGRAMME_FILE = "programme.yaml"
WAVES_DIR = "waves"
Model = TypeVar("Model", bound=BaseModel)


def _message(error: dict[str, Any]) -> str:
    """Turn one pydantic error into a short message in plain words."""
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}"
    if kind == "missing":
        return f"missing required field {loc[-1]!r}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"unknown value {error['input']!r}; expected one of {expected}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _shown(part: object) -> bool:
    """Whether a part of a pydantic location is a key or index (not a union's tag)."""
    return isinstance(part, int) or (isinstance(part, str) and not part.startswith("~"))


def _explain(doc: YamlDocument, errors: list[Any]) -> list[Problem]:
    """Locate pydantic errors; a misspelt key is reported once, with the likely intent."""
    errors = [{**e, "loc": tuple(p for p in e["loc"] if _shown(p))} for e in errors]
    missing = {e["loc"] for e in errors if e["type"] == "missing"}
    explained: set[tuple[Any, ...]] = set()
    problems = []
    for error in errors:
        loc, message = error["loc"], _message(error)
        if error["type"] == "extra_forbidden":
            wanted = [m[-1] for m in missing if m[:-1] == loc[:-1]]
            close = get_close_matches(str(loc[-1]), [str(w) for w in wanted], n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
                explained.add((*loc[:-1], close[0]))
        problems.append((loc, message))
    return [doc.problem(loc, message) for loc, message in problems if loc not in explained]


def parse(doc: YamlDocument, model: type[Model]) -> Model:
    """Validate a YAML document against `model`; raise FileProblems listing every error."""
    problems = list(doc.duplicates)
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the file must hold a mapping of keys"))
        raise FileProblems(problems)
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_explain(doc, exc.errors()))
        raise FileProblems(problems) from None
    if problems:
        raise FileProblems(problems)
    return result


def load_instrument(path: Path | str) -> InstrumentDefinition:
    """Load and fully check one survey file; raise FileProblems if anything is wrong."""
    doc = read_yaml(Path(path))
    survey = parse(doc, InstrumentDefinition)
    problems = [doc.problem(loc, msg) for loc, msg in check_instrument(survey)]
    if problems:
        raise FileProblems(problems)
    return survey


@dataclass
class SurveyCatalogue:
    """Everything found under some paths: instruments, programmes, and problems."""

    instruments: dict[str, tuple[Path, InstrumentDefinition]] = field(default_factory=dict)
    programmes: dict[str, tuple[Path, ProgrammeDefinition]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no file had a problem."""
        return not self.problems


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Return the YAML files named or found below the given paths, sorted."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for pattern in ("*.yaml", "*.yml"):
                # Wave files (<programme>/waves/) are not surveys: `mel waves create` reads them.
                found.update(
                    p for p in path.rglob(pattern) if p.is_file() and WAVES_DIR not in p.parts
                )
        else:
            found.add(path)
    return sorted(found)


def load_catalogue(paths: Iterable[Path | str]) -> SurveyCatalogue:
    """Load every survey and programme file under `paths` and cross-check them."""
    catalogue = SurveyCatalogue()
    programme_docs: list[YamlDocument] = []
    for path in discover(paths):
        if not path.exists():
            catalogue.problems.append(Problem(str(path), "", "no such file or folder"))
            continue
        try:
            if path.name == PROGRAMME_FILE:
                programme_docs.append(read_yaml(path))
                continue
            survey = load_instrument(path)
        except FileProblems as exc:
            catalogue.problems.extend(exc.problems)
            continue
        if survey.instrument in catalogue.instruments:
            first = catalogue.instruments[survey.instrument][0]
            catalogue.problems.append(
                Problem(
                    str(path),
                    "instrument",
                    f"instrument {survey.instrument!r} is also defined in {first}",
                    1,
                )
            )
            continue
        catalogue.instruments[survey.instrument] = (path, survey)
    surveys = {code: survey for code, (_, survey) in catalogue.instruments.items()}
    for doc in programme_docs:
        try:
            programme = parse(doc, ProgrammeDefinition)
        except FileProblems as exc:
            catalogue.problems.extend(exc.problems)
            continue
        found = [doc.problem(loc, msg) for loc, msg in check_programme(programme, surveys)]
        catalogue.problems.extend(found)
        if not found:
            catalogue.programmes[programme.programme] = (doc.path, programme)
    catalogue.problems.extend(_registers_declared_twice(catalogue))
    declared = {doc.data.get("programme") for doc in programme_docs if isinstance(doc.data, dict)}
    for path, survey in catalogue.instruments.values():
        # Only judge programme codes when programme files were part of the check.
        if programme_docs and survey.programme not in declared:
            catalogue.problems.append(
                Problem(
                    str(path),
                    "programme",
                    f"unknown programme {survey.programme!r} (no {PROGRAMME_FILE} defines it)",
                    3,
                )
            )
    return catalogue


def _registers_declared_twice(catalogue: SurveyCatalogue) -> list[Problem]:
    """A register source code names one source across all programmes (`mel data import`)."""
    owner: dict[str, str] = {}
    problems = []
    for code, (path, programme) in sorted(catalogue.programmes.items()):
        for i, source in enumerate(programme.registers):
            if source.code in owner:
                problems.append(
                    Problem(
                        str(path),
                        f"registers[{i}].code",
                        f"register {source.code!r} is also declared by programme "
                        f"{owner[source.code]!r}",
                    )
                )
            owner.setdefault(source.code, code)
    return problems
