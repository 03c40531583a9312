"""KPIs: derived variables, evaluation per wave, and status against targets."""

from .evaluate import Change, KpiResult, evaluate_kpis, waves_of
from .frames import Frames
from .status import Decision, Status, go_no_go, judge

__all__ = ["Change", "Decision", "Frames", "KpiResult", "Status", "evaluate_kpis", "go_no_go",
           "judge", "waves_of"]
