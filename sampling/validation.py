"""Checks of scalar parameters shared by the sampling modules.

Each check raises :class:`sampling.errors.InputError` naming the parameter, the allowed range or
values, and what it got (cf. statsmodels' ``tools.validation.string_like``); options are matched
exactly, never by prefix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .errors import InputError

__all__ = ["check_option", "check_rate", "check_positive", "check_count", "check_level"]


def check_option(name: str, value: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is exactly one of ``allowed``, else raise ``InputError``."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise InputError(
            f"must be one of {', '.join(repr(a) for a in allowed)}, got {value!r}", param=name
        )
    return value


def _number(name: str, value: object) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"must be a number, got {value!r}", param=name) from None
    if not math.isfinite(x):
        raise InputError(f"must be finite, got {value!r}", param=name)
    return x


def check_rate(name: str, value: object, *, low: float = 0.0, high: float = 1.0) -> float:
    """Return ``value`` as a float strictly inside ``(low, high)`` (by default ``(0, 1)``)."""
    x = _number(name, value)
    if not low < x < high:
        raise InputError(f"must be strictly between {low:g} and {high:g}, got {x:g}", param=name)
    return x


def check_level(level: object, param: str = "level") -> float:
    """Return a confidence level in ``(0, 1)``; the same order of arguments as
    :func:`analysis.intervals.check_level` (value first, then the parameter's name)."""
    return check_rate(param, level)


def check_positive(name: str, value: object, *, minimum: float = 0.0, inclusive: bool = False) -> float:
    """Return ``value`` as a float ``> minimum`` (``>=`` when ``inclusive``)."""
    x = _number(name, value)
    ok = x >= minimum if inclusive else x > minimum
    if not ok:
        rel = ">=" if inclusive else ">"
        raise InputError(f"must be {rel} {minimum:g}, got {x:g}", param=name)
    return x


def check_count(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an int ``>= minimum``; refuses fractions such as 2.5."""
    x = _number(name, value)
    if x != int(x):
        raise InputError(f"must be a whole number, got {value!r}", param=name)
    if x < minimum:
        raise InputError(f"must be >= {minimum}, got {int(x)}", param=name)
    return int(x)
