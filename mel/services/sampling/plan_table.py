"""The precision plan as a readable table, each row's basis stated below it."""

from __future__ import annotations

from mel.services.sampling.plan import PlanRow


def plan_table(rows: list[PlanRow]) -> str:
    """A readable table of planning rows, with each basis stated below it."""
    if not rows:
        return "the wave measures no KPI of its programme"
    width = max(26, *(len(r.kpi) for r in rows))
    head = (
        f"{'KPI':{width}} {'n':>6} {'±95% CI':>12} {'last':>12} {'target':>12} "
        f"{'distance':>12} {'decides':>8} {'n needed':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        needed = str(r.needed_sample_size) if r.needed_sample_size else "—"
        if r.needed_sample_size is None and r.distance:
            needed = f">{r.population}"
        decides = "—" if r.decides is None else ("yes" if r.decides else "no")
        lines.append(
            f"{r.kpi:{width}} {r.sample_size:>6} {_num(r.half_width):>12} "
            f"{_num(r.last_estimate):>12} {_num(r.target):>12} {_num(r.distance):>12} "
            f"{decides:>8} {needed:>9}"
        )
    lines.append("")
    for r in rows:
        last = f"last estimate from {r.last_from}; " if r.last_from else ""
        lines.append(f"{r.kpi}: {last}{r.basis}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:,.0f}"
