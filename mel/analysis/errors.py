"""Errors and warnings raised by :mod:`mel.analysis`."""

from __future__ import annotations


class DesignError(ValueError):
    """A survey design or an analysis request is invalid.

    The message names the column (or argument) and says what is wrong with it, e.g.
    ``column 'pw': 3 weights are zero or negative (first at row 17)``.
    """


class DesignWarning(UserWarning):
    """Something is legal but probably not what was meant (as R's ``survey`` warns)."""
