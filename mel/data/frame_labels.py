"""The variable and value labels of an analysis frame (``frame.attrs``), from its instrument's
versions: newer versions' wording first, older versions' choices kept for their answers."""

from __future__ import annotations

from typing import Any

from mel.i18n import translate
from mel.surveys.schema import OTHER, OTHER_TEXT, InstrumentDefinition


class FrozenDict(dict):
    """A read-only dict in ``frame.attrs``, shared by the frames and Series derived from it.

    pandas deep-copies ``attrs`` into the result of every operation (each column read, each
    selection); a value that cannot change needs no copy (``dict(value)`` gives a
    changeable one).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __reduce__(self) -> tuple[type, tuple[dict[Any, Any]]]:
        return (type(self), (dict(self),))

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("this part of an analysis frame's attrs is read-only; copy it with dict()")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


class Labels(FrozenDict):
    """The read-only variable or value labels of an analysis frame."""

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the labels of an analysis frame are read-only; copy them with dict()")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


def _merge(value_labels: dict[str, dict[Any, str]], key: str, choices: dict[Any, str]) -> None:
    """Add the choices of an older version that the newer ones no longer list (its answers
    are still in the frame and need their labels and codes)."""
    known = value_labels.setdefault(key, {})
    for value, label in choices.items():
        if str(value) not in map(str, known):
            known[value] = label


def frame_labels(definitions: list[InstrumentDefinition], language: str) -> dict[str, Any]:
    """The variable and value labels of a frame of `definitions` (newest first), in `language`."""
    variable_labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    for definition in reversed(definitions):
        for q in definition.questions():
            choices = {
                c.value: c.label.get(language) for c in definition.choices.get(q.choices or "", [])
            }
            if q.has_other:  # "other" is a choice too, and its text a variable of its own
                other, namely = (
                    translate("other_choice", language),
                    translate("other_namely", language),
                )
                if OTHER not in map(str, choices):
                    choices[OTHER] = other
                variable_labels.setdefault(
                    f"{q.name}__{OTHER_TEXT}", f"{q.label.get(language)}: {namely}"
                )
            if q.type == "likert":
                for s in q.statements or []:
                    key = f"{q.name}__{s.name}"
                    variable_labels.setdefault(
                        key, f"{q.label.get(language)}: {s.label.get(language)}"
                    )
                    _merge(value_labels, key, choices)
            elif q.type == "select_multiple":
                for value, label in choices.items():
                    variable_labels.setdefault(
                        f"{q.name}__{value}", f"{q.label.get(language)}: {label}"
                    )
            elif q.type == "repeat":
                rows = translate("frame_repeat_rows", language)
                variable_labels.setdefault(f"{q.name}__rows", f"{q.label.get(language)}: {rows}")
            elif q.type != "note":
                variable_labels.setdefault(q.name, q.label.get(language))
                if choices:
                    _merge(value_labels, q.name, choices)
                if q.type == "yes_no":
                    value_labels.setdefault(
                        q.name,
                        {
                            1.0: translate("value_yes", language),
                            0.0: translate("value_no", language),
                        },
                    )
    return {
        "variable_labels": Labels(variable_labels),
        "value_labels": Labels({k: Labels(v) for k, v in value_labels.items()}),
    }
