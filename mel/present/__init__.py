"""Presentation shared by reports, dashboards, exports and the survey pages.

- `numbers`: the one family of number formatters (Dutch/English, Babel's separators).
- `tables`: the one writer of CSV and XLSX files (defused against formulas, stable bytes).
- `figures` (with `chart_style`): the one set of charts, one function per kind.
- `svg`: figures as compact, deterministic inline SVG with a text alternative.
"""
