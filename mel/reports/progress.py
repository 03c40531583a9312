"""A progress bar on stderr for long report runs; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mel.surveys.programme_schema import ProgrammeDefinition

WIDTH = 30


def steps(programme: ProgrammeDefinition) -> int:
    """The number of progress steps `build_report` takes (for a progress bar's total)."""
    return 2 + 2 * len(programme.kpis) + len(programme.pathways)


class Progress:
    """Count steps towards a total and redraw one status line.

    Parameters
    ----------
    total : int
        Expected number of steps (grown when more arrive, so it never overflows).
    stream : text stream, optional
        Where to draw (default: stderr).
    enabled : bool, optional
        Draw or not; by default only when `stream` is a terminal.
    """

    def __init__(
        self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def __call__(self, label: str = "") -> None:
        """Count one step done, now working on `label`."""
        self.done += 1
        self.total = max(self.total, self.done)
        self.draw(label)

    def draw(self, label: str = "") -> None:
        """Redraw the bar with `label`."""
        if not self.enabled:
            return
        filled = int(WIDTH * self.done / self.total)
        elapsed = time.monotonic() - self.started
        line = (
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} "
            f"{elapsed:5.1f}s {label[:40]:<40}"
        )
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
