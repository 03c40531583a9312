"""A report holds one instrument's frames at a time: the frame and design of an
instrument, asked for with every other instrument's frames packed (`Frames.keep_only`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import pandas as pd

from mel.analysis.design import Design
from mel.analysis.errors import DesignError
from mel.kpi.frames import Frames

Value = TypeVar("Value")


class OneAtATime(Mapping[str, Value]):
    """Frames or designs by instrument code, each got when asked for (see `current_frame`)."""

    def __init__(self, codes: list[str], get: Callable[[str], Value]) -> None:
        self._codes, self._get = codes, get

    def __getitem__(self, code: str) -> Value:
        if code not in self._codes:
            raise KeyError(code)
        return self._get(code)

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


def current_frame(frames: Frames, wave: str, instrument: str) -> pd.DataFrame:
    """The frame of `instrument` in `wave`, with every other instrument's packed."""
    frames.keep_only(instrument)
    return frames.raw(wave, instrument)


def design_or_none(frames: Frames, wave: str, instrument: str) -> Design | None:
    """The design of a frame, or None when it has no rows or no valid design."""
    if not len(frames.raw(wave, instrument)):
        return None
    try:
        return frames.design(wave, instrument)
    except DesignError:
        return None
