"""The progress bar draws on a terminal and stays silent otherwise."""

from __future__ import annotations

import io

from mel.reports.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress(3, stream=stream)
    bar("a")
    bar.close()
    assert stream.getvalue() == ""


def test_draws_on_a_terminal_and_never_overflows() -> None:
    stream = Terminal()
    bar = Progress(2, stream=stream)
    for label in ("one", "two", "three"):
        bar(label)
    bar.close()
    out = stream.getvalue()
    assert "\r[" in out and "3/3" in out and out.endswith("\n")
