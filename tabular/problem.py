"""One problem of a file, as every reader, importer and checker reports it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Problem", "TableError"]


@dataclass(frozen=True)
class Problem:
    """``file: row R, column 'C': message``.

    ``row`` is the row a spreadsheet shows (the header is row 1; ``None``: the whole file or
    column); ``column`` is the column's name in the file (``None``: the whole row or file);
    ``code`` is a stable short key a user interface can translate (``too_many_rows``, ...);
    ``message`` is the English sentence for logs and the command line. Two optional fields serve
    previews that keep going after a problem: ``severity`` (``error``: the row or file is refused;
    ``warning``: kept, the user should look) and ``params`` (values for the translated text).
    """

    file: str | None
    row: int | None
    column: str | None
    code: str
    message: str
    severity: str = "error"
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def where(self) -> str:
        """``row R, column 'C'`` (empty when the problem concerns the whole file)."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{self.file}: {text}" if self.file else text


class TableError(ValueError):
    """A file that cannot be read as a table; ``problems`` lists what is wrong (at least one)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def problem(self) -> Problem:
        """The first problem."""
        return self.problems[0]
