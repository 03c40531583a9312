"""Real fieldwork's first half: the units register, wave files, drawing and planning samples.

- `unitfile` and `units`: read a units file (CSV, XLSX; located problems), upsert by code.
- `wavefile`: the wave file (instruments, fieldwork dates, design) as a validated model.
- `allocation` and `draw`: sample sizes per stratum, and the draw itself (pure numpy).
- `waves`: create or update a wave from its file; `store`: store a drawn sample, freeze it.
- `persons`: persons within sampled units; `view`: what staff see and download.
- `plan` and `plan_table`: the precision a wave's sample size buys for each KPI.
"""

from __future__ import annotations


class SamplingError(ValueError):
    """A wave, design or sample that cannot be used as asked; the message says why."""
