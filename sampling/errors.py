"""Exceptions raised by :mod:`sampling`.

Every error raised for bad input derives from :class:`SamplingError` (itself a ``ValueError``) and
names where the problem is: the file, row, column, stratum or parameter. The command line prints
``error: <message>`` and exits with status 2 for any of them.

Classes
-------
SamplingError
    Base class; carries ``file``, ``row``, ``column``, ``stratum``, ``param`` and ``hint``.
InputError
    A parameter value is out of range or not one of the allowed options.
FrameError
    A sampling frame (CSV or XLSX) cannot be read or has bad content.
InfeasibleError
    The request is valid but no design satisfies it (e.g. no LQAS rule within the risk bounds
    below the search limit, or a stratum asked for more PSUs than it has).
"""

from __future__ import annotations

from tabular import Problem

__all__ = ["SamplingError", "InputError", "FrameError", "InfeasibleError"]


class SamplingError(ValueError):
    """Base class of every error :mod:`sampling` raises for bad input.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file, row, column, stratum, param : optional
        Where it is. ``row`` is the 1-based line of the file as a spreadsheet shows it (the header
        is row 1, the first data row is row 2).
    hint : str, optional
        What to do about it.
    code : str, optional
        A stable short key of the kind of problem (see :class:`tabular.Problem`).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        stratum: str | None = None,
        param: str | None = None,
        hint: str | None = None,
        code: str = "invalid",
    ) -> None:
        self.message = message
        self.code = code
        self.file = file
        self.row = row
        self.column = column
        self.stratum = stratum
        self.param = param
        self.hint = hint
        super().__init__(str(self))

    @classmethod
    def from_problem(cls, problem: Problem) -> "SamplingError":
        """The error for one :class:`tabular.Problem` (e.g. from the table reader)."""
        return cls(problem.message, file=problem.file, row=problem.row, column=problem.column, code=problem.code)

    @property
    def problem(self) -> Problem:
        """This error as a :class:`tabular.Problem` (the stratum and parameter go into the message)."""
        extra = [f"stratum {self.stratum!r}"] if self.stratum is not None else []
        extra += [self.param] if self.param is not None else []
        message = (", ".join(extra) + ": " if extra else "") + self.message + (f" ({self.hint})" if self.hint else "")
        return Problem(self.file, self.row, self.column, self.code, message)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.stratum is not None:
            where.append(f"stratum {self.stratum!r}")
        if self.param is not None:
            where.append(f"{self.param}")
        text = self.message
        if where:
            text = ", ".join(where) + ": " + text
        if self.file is not None:
            text = f"{self.file}: " + text
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(SamplingError):
    """A parameter value is outside its range or not one of the allowed options."""


class FrameError(SamplingError):
    """A sampling frame cannot be read, or a row, column or stratum of it is invalid."""


class InfeasibleError(SamplingError):
    """The inputs are valid but no design meets them."""
