"""Impactmeting reports: KPIs along impact pathways, judged by their confidence intervals.

`build_report` evaluates a programme's KPIs for a wave and assembles the report;
`write_report` writes it as self-contained HTML, PDF, CSV and XLSX. The names are imported
on first use, so that `mel.reports.pdf` and `mel.reports.batch` load without pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "build_report": "mel.reports.build",
    "Report": "mel.reports.model",
    "ReportError": "mel.reports.pdf",
    "render_html": "mel.reports.render",
    "write_pdf": "mel.reports.render",
    "write_report": "mel.reports.render",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Import a public name from the module it lives in, on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'mel.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
