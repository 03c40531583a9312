"""Cross-reference checks of a review instrument's `review:` part (see mel.surveys.review)."""

from __future__ import annotations

from collections.abc import Iterator

from mel.surveys.review import FOLLOW_UP_STATUSES, ReviewDefinition
from mel.surveys.schema import InstrumentDefinition, Question
from mel.surveys.yamlfile import Location

Finding = tuple[Location, str]
PARTS = (("self_evaluation", "text"), ("finding", "text"), ("score", "select_one"))


def check_review(survey: InstrumentDefinition) -> Iterator[Finding]:
    """Yield (location, message) for every problem of the review part of `survey`."""
    review = survey.review
    if review is None:
        return
    top = {q.name: q for q in survey.questions()}
    yield from _rubric(survey, review)
    seen: set[str] = set()
    used: set[str] = set()
    for i, theme in enumerate(review.themes):
        where: Location = ("review", "themes", i)
        if theme.name in seen:
            yield (*where, "name"), f"duplicate theme {theme.name!r}"
        seen.add(theme.name)
        for key, kind in (
            ("self_evaluation", "text"),
            ("finding", "text"),
            ("score", "select_one"),
        ):
            name = getattr(theme, key)
            if name in used:
                yield (*where, key), f"question {name!r} is named by two themes"
            used.add(name)
            yield from _typed(top.get(name), name, kind, (*where, key))
        score = top.get(theme.score)
        if score is not None and score.type == "select_one" and score.choices != review.rubric:
            yield (
                (*where, "score"),
                f"question {theme.score!r} must use the rubric {review.rubric!r}, "
                f"not {score.choices!r}",
            )
    actions = review.actions
    yield from _group(
        top,
        actions.group,
        {"action": ("text", actions.action), "owner": ("text", actions.owner)}
        | {"due": ("date", actions.due)},
        ("review", "actions"),
    )
    if actions.theme is not None:
        yield from _group(
            top, actions.group, {"theme": ("select_one", actions.theme)}, ("review", "actions")
        )
        row = _row(top.get(actions.group), actions.theme)
        names = {t.name for t in review.themes}
        if row is not None and row.type == "select_one":
            values = {str(c.value) for c in survey.choices.get(row.choices or "", [])}
            if values - names:
                yield (
                    ("review", "actions", "theme"),
                    f"the choices of {actions.theme!r} must be theme names, not "
                    f"{', '.join(sorted(values - names))}",
                )
    follow = review.follow_up
    if follow is None:
        return
    wanted = {"action": ("text", follow.action), "status": ("select_one", follow.status)}
    for key in ("owner", "due"):
        if getattr(follow, key) is not None:
            wanted[key] = ("text", getattr(follow, key))
    yield from _group(top, follow.group, wanted, ("review", "follow_up"))
    group = top.get(follow.group)
    if group is not None and group.repeat_count is not None:
        yield (
            ("review", "follow_up", "group"),
            "the follow-up group has no repeat_count: mel fills it with the previous actions",
        )
    status = _row(group, follow.status)
    if status is not None and status.type == "select_one":
        values = {str(c.value) for c in survey.choices.get(status.choices or "", [])}
        missing = [s for s in FOLLOW_UP_STATUSES if s not in values]
        if missing:
            yield (
                ("review", "follow_up", "status"),
                f"the choices of {follow.status!r} need the values "
                f"{', '.join(FOLLOW_UP_STATUSES)} (missing: {', '.join(missing)})",
            )
    if follow.earlier is not None:
        yield from _typed(
            top.get(follow.earlier), follow.earlier, "yes_no", ("review", "follow_up", "earlier")
        )


def _rubric(survey: InstrumentDefinition, review: ReviewDefinition) -> Iterator[Finding]:
    levels = survey.choices.get(review.rubric)
    if levels is None:
        yield ("review", "rubric"), f"unknown choice list {review.rubric!r}"
        return
    for i, level in enumerate(levels):
        if not isinstance(level.value, int):
            yield (
                ("choices", review.rubric, i, "value"),
                f"a rubric level is a whole number, not {level.value!r}",
            )


def _typed(question: Question | None, name: str, kind: str, where: Location) -> Iterator[Finding]:
    if question is None:
        yield where, f"no question {name!r} in the instrument (outside repeat groups)"
    elif question.type != kind:
        yield where, f"question {name!r} must be a {kind} question, not {question.type}"


def _row(group: Question | None, name: str) -> Question | None:
    for inner in (group.questions or []) if group is not None else []:
        if inner.name == name:
            return inner
    return None


def _group(
    top: dict[str, Question], name: str, wanted: dict[str, tuple[str, str]], where: Location
) -> Iterator[Finding]:
    group = top.get(name)
    if group is None or group.type != "repeat":
        yield (*where, "group"), f"no repeat group {name!r} in the instrument"
        return
    for key, (kind, inner_name) in wanted.items():
        inner = _row(group, inner_name)
        if inner is None:
            yield (*where, key), f"repeat group {name!r} has no question {inner_name!r}"
        elif inner.type != kind and not (kind == "text" and key in ("owner", "due")):
            yield (*where, key), f"question {inner_name!r} must be a {kind} question"
