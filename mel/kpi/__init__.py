"""KPIs: derived variables, evaluation per wave, and status against targets."""

from mel.kpi.evaluate import Change, KpiResult, evaluate_kpis, waves_of
from mel.kpi.frames import Frames
from mel.kpi.status import Decision, Status, go_no_go, judge

__all__ = [
    "Change",
    "Decision",
    "Frames",
    "KpiResult",
    "Status",
    "evaluate_kpis",
    "go_no_go",
    "judge",
    "waves_of",
]
