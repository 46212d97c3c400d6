"""Reading the tables people hand in (CSV and XLSX), and the one way to say what is wrong with them.

A leaf package: it imports neither ``sampling``, ``survey`` nor ``analysis``, so every one of them
(and ``sampling``, which must not import ``survey``) reads uploaded and handed files the same way.

- :func:`read_table` / :func:`read_workbook`: one encoding policy (UTF-8 with or without BOM, else
  GB18030), size/row/column/cell limits checked before and while parsing, results cached by
  content hash.
- :class:`Problem` ``(file, row, column, code, message)``: one problem of a file, shared by every
  reader, importer and checker; :class:`TableError` lists them.
"""

from .problem import Problem, TableError
from .reader import LIMITS, PUBLIC_LIMITS, Limits, Table, decode_text, read_table, read_workbook

__all__ = ["LIMITS", "PUBLIC_LIMITS", "Limits", "Problem", "Table", "TableError", "decode_text", "read_table", "read_workbook"]
