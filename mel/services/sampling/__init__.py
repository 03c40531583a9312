"""Real fieldwork's first half: the units register, wave files, drawing and planning samples.

- `units`: import a programme's units from CSV or XLSX (upsert by code, located problems).
- `wavefile`: the wave file (instruments, fieldwork dates, design) as a validated model.
- `allocation` and `draw`: sample sizes per stratum, and the draw itself (pure numpy).
- `store`: create waves from files, store a drawn sample, freeze it.
- `plan`: the precision a wave's sample size buys for each KPI.
"""

from __future__ import annotations


class SamplingError(ValueError):
    """A wave, design or sample that cannot be used as asked; the message says why."""
