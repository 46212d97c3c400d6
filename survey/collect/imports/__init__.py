"""Import responses collected elsewhere: paper forms typed into Excel, 问卷星 (wjx) and KoboToolbox exports.

UI-free. Three steps, the last only after the user has looked at the preview and confirmed:

1. ``upload``: :func:`read_upload` reads a CSV (UTF-8 with or without BOM, or GB18030) or the
   first sheet of an XLSX and recognises the layout (``wjx``, ``kobo``, ``tcm`` = this toolkit's
   own export, or ``plain``).
2. ``mapping``: :func:`auto_map` proposes a :class:`Target` for every column (a question, one
   choice of a multiple-choice question, the site, the submission time, the respondent id, the
   questionnaire, paradata, or ``ignore``); :func:`auto_choice_map` maps the answer texts of every
   choice question to choice values (by value, label, letter A/B/C, number 1..k, or common words
   such as 是/否, 很满意). The user may change both.
3. ``prepare``: :func:`prepare_import` checks every row with the form's own rules and returns an
   :class:`ImportPreview` (accepted rows; every problem by row, as a spreadsheet shows it, and
   column); :func:`import_rows` stores the accepted rows in one transaction with ``source="import"``.
   A row's identity comes from its source, never from its answers (see ``prepare``).
"""

from .mapping import SITE, SPECIAL_TARGETS, Target, auto_choice_map, auto_map, targets_for
from .prepare import ImportPreview, ImportResult, PreparedRow, import_rows, prepare_import
from .upload import FORMATS, ImportFileError, UploadTable, detect_format, read_upload

__all__ = [
    "FORMATS",
    "SITE",
    "SPECIAL_TARGETS",
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "PreparedRow",
    "Target",
    "UploadTable",
    "auto_choice_map",
    "auto_map",
    "detect_format",
    "import_rows",
    "prepare_import",
    "read_upload",
    "targets_for",
]
