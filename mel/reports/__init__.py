"""Impactmeting reports: KPIs along impact pathways, judged by their confidence intervals.

`build_report` evaluates a programme's KPIs for a wave and assembles the report;
`write_report` writes it as self-contained HTML, PDF, CSV and XLSX.
"""

from mel.reports.build import build_report
from mel.reports.model import Report
from mel.reports.render import ReportError, render_html, write_pdf, write_report

__all__ = ["Report", "ReportError", "build_report", "render_html", "write_pdf", "write_report"]
