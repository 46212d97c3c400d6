"""The one exception tree of :mod:`analysis`.

Every error raised on bad input is a :class:`AnalysisError` (a :class:`ValueError`), carries the
offending parameter, column, value or stratum as attributes, and says in its message what was
expected and, where there is one, what to do about it. Nothing in the package lets a bare
``KeyError``, ``AssertionError`` or a NaN result stand in for a clear message.

::

    AnalysisError(ValueError)
    ├── OptionError          an argument outside a closed set of options (checked exactly)
    ├── ColumnError          an unknown column, or a column of the wrong type
    ├── DataValueError       a bad value in a column (negative weight, indicator not 0/1, ...)
    ├── DesignError          an inconsistent design (PSUs not nested, fpc > 100 %, ...)
    │   └── LonelyPSUError   a stratum with a single PSU under ``lonely_psu="fail"``
    └── CalibrationError     post-stratification or raking impossible (empty cell, no convergence)

Jurisdiction profiles are read by :mod:`survey.questionnaire.profiles` (errors: ``survey.errors.ProfileError``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "AnalysisError",
    "CalibrationError",
    "ColumnError",
    "DataValueError",
    "DesignError",
    "LonelyPSUError",
    "OptionError",
    "check_option",
]


class AnalysisError(ValueError):
    """Base class of every error raised by :mod:`analysis` on bad input.

    Parameters
    ----------
    message
        The full sentence shown to the user.
    param, column, value, stratum, hint
        Context kept as attributes (``None`` when not applicable), so callers such as the command
        line or the dashboard can point at the right place.
    """

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        column: str | None = None,
        value: Any = None,
        stratum: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.param = param
        self.column = column
        self.value = value
        self.stratum = stratum
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")


class OptionError(AnalysisError):
    """An argument is not one of the allowed options."""


class ColumnError(AnalysisError):
    """A column is missing from the data or has an unusable type."""


class DataValueError(AnalysisError):
    """A value in a column is not acceptable (names the column, the row and the value)."""


class DesignError(AnalysisError):
    """The design description is inconsistent with the data."""


class LonelyPSUError(DesignError):
    """A stratum has a single sampled PSU and ``lonely_psu="fail"``."""


class CalibrationError(AnalysisError):
    """Post-stratification or raking cannot be done (empty cell, unknown level, no convergence)."""


def check_option(param: str, got: Any, allowed: Iterable[str]) -> str:
    """Return ``got`` if it is exactly one of ``allowed``, else raise :class:`OptionError`.

    No case folding and no prefix matching: ``"jeff"`` is not ``"jeffreys"``.

    Examples
    --------
    >>> check_option("ci", "logit", ("logit", "beta"))
    'logit'
    >>> check_option("ci", "log", ("logit", "beta"))
    Traceback (most recent call last):
    ...
    analysis.errors.OptionError: ci must be one of 'logit', 'beta'; got 'log'
    """
    allowed = tuple(allowed)
    if not isinstance(got, str) or got not in allowed:
        names = ", ".join(repr(a) for a in allowed)
        raise OptionError(f"{param} must be one of {names}; got {got!r}", param=param, value=got)
    return got
