"""Import an XLSForm (the ODK / KoboToolbox standard) into our questionnaire YAML.

The common subset converts: ``select_one``, ``select_multiple``, ``integer``, ``decimal``,
``text``, ``note``, top-level ``begin group``/``end group`` (sections), ``label::<language>``,
``hint``, ``required``, ``relevant`` with ``${name}`` references, ``constraint`` and
``constraint_message``. Everything else (repeats, calculations, dates, media, appearance,
choice filters, functions our expression language lacks...) is reported by sheet, row and
column in ``XLSFormImport.issues``: never dropped silently.

Row numbers are the spreadsheet's own (the header is row 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import openpyxl

from survey.errors import ExpressionError, SurveyError
from survey.questionnaire.expressions import compile_expression
from tabular import Problem, Table, TableError, read_workbook

LANGUAGE_ALIASES = {
    "zh": {"zh", "zh-cn", "zh_cn", "zh-hans", "chinese", "中文", "汉语", "简体中文", "普通话"},
    "en": {"en", "en-us", "en_gb", "english", "英文", "英语"},
}
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "start-geopoint", "background-audio", "imei", "uuid",
}
SUPPORTED_SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message"}
SUPPORTED_CHOICE_COLUMNS = {"list_name", "list name", "name", "label"}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_VALUE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")
TRUE_WORDS = {"yes", "true", "true()", "=true()", "1", "y"}
FALSE_WORDS = {"no", "false", "false()", "=false()", "0", "n", ""}


class XLSFormError(SurveyError):
    """An XLSForm that cannot be read at all (missing sheet, duplicate headers...)."""


@dataclass
class XLSFormImport:
    """The converted questionnaire (plain data, as YAML holds it) and what was not converted as
    it was: one :class:`tabular.Problem` per part, its ``file`` the sheet's name (``survey``,
    ``choices``, ``settings``), code ``not_converted``."""

    questionnaire: dict[str, Any]
    issues: list[Problem] = field(default_factory=list)


def language_code(name: str) -> str:
    """'Chinese', 'Chinese (zh)', '中文' -> 'zh'; 'English (en)' -> 'en'; others lower-cased."""
    text = name.strip()
    match = re.search(r"\(([A-Za-z_-]+)\)\s*$", text)
    candidates = [match.group(1).lower()] if match else []
    candidates.append(re.sub(r"\s*\(.*\)\s*$", "", text).lower())
    for candidate in candidates:
        for code, aliases in LANGUAGE_ALIASES.items():
            if candidate in aliases:
                return code
    if match:  # 'Français (fr)': the code in brackets is the language
        return candidates[0]
    return re.sub(r"[^a-z0-9_]+", "_", candidates[-1]).strip("_") or "default"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@dataclass
class _Sheet:
    name: str
    headers: list[str]  # normalised: lower-case, 'label::zh' style
    raw_headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row number, header -> value)


def _read_sheet(workbook: Mapping[str, Table], name: str, issues: list[Problem], *, required: bool) -> _Sheet | None:
    sheet_name = next((s for s in workbook if s.strip().lower() == name), None)
    if sheet_name is None:
        if required:
            raise XLSFormError(f"no '{name}' sheet (found: {', '.join(workbook)})")
        return None
    table = workbook[sheet_name]
    rows = [table.header, *table.rows] if table.header else []
    if not rows:
        if required:
            raise XLSFormError(f"sheet '{sheet_name}' is empty")
        return None
    raw_headers = ["" if h is None else str(h).strip() for h in rows[0]]
    headers = [_normalise_header(h) for h in raw_headers]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        if header in seen:
            raise XLSFormError(
                f"sheet '{sheet_name}': duplicate column '{raw_headers[index]}' "
                f"(columns {_column_letter(seen[header])} and {_column_letter(index)})"
            )
        seen[header] = index
    out: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows[1:], start=2):
        record = {
            headers[i]: (v.strip() if isinstance(v, str) else v)
            for i, v in enumerate(values)
            if i < len(headers) and headers[i] and v is not None and not (isinstance(v, str) and not v.strip())
        }
        if record:
            out.append((number, record))
    return _Sheet(sheet_name, headers, raw_headers, out)


TRANSLATABLE_COLUMNS = ("label", "hint", "constraint_message", "required_message", "media::image", "image", "audio")


def _normalise_header(header: str) -> str:
    """'Label::English (en)', 'label:Chinese' (the older single colon) -> 'label::en', 'label::zh'."""
    text = header.strip()
    match = re.match(r"^([A-Za-z_]+)\s*::?\s*(.+)$", text)
    if match and match.group(1).lower() in TRANSLATABLE_COLUMNS:
        return f"{match.group(1).lower()}::{language_code(match.group(2))}"
    return text.lower()


def _column_letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index + 1)


def _texts(record: dict[str, Any], base: str, default_language: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        if key == base:
            out[default_language] = _cell_text(value)
        elif key.startswith(base + "::"):
            out[key.split("::", 1)[1]] = _cell_text(value)
    return out


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Importer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.issues: list[Problem] = []
        try:
            workbook = read_workbook(path)
        except TableError as exc:
            problem = exc.problem
            if problem.row is not None:  # a located problem of a sheet (its message names the sheet)
                raise XLSFormError(problem.message) from None
            raise XLSFormError(f"{path}: not a readable .xlsx workbook ({problem.message})") from None
        self.survey = _read_sheet(workbook, "survey", self.issues, required=True)
        self.choices = _read_sheet(workbook, "choices", self.issues, required=False)
        self.settings = _read_sheet(workbook, "settings", self.issues, required=False)
        assert self.survey is not None
        self.settings_row = self.settings.rows[0][1] if self.settings and self.settings.rows else {}
        self.default_language = self._default_language()
        self.languages = self._languages()
        self.names: dict[str, str] = {}  # XLSForm name -> our id

    def issue(self, sheet: str, row: int | None, column: str | None, message: str, *, warning: bool = False) -> None:
        """Report a part not converted as it was: a ``warning`` when its meaning is kept (a
        translation copied, an id renamed, a nested group flattened), an ``error`` when something
        was left out (a question, a choice, a column's values, an expression)."""
        self.issues.append(Problem(sheet, row, column, "not_converted", message, severity="warning" if warning else "error"))

    def _default_language(self) -> str:
        declared = self.settings_row.get("default_language")
        if declared:
            return language_code(str(declared))
        plain = [str(r.get("label", "")) for _, r in self.survey.rows if r.get("label")]  # type: ignore[union-attr]
        return "zh" if any(_has_cjk(text) for text in plain) else "en"

    def _languages(self) -> list[str]:
        found: list[str] = []
        for sheet in (self.survey, self.choices):
            if sheet is None:
                continue
            for header in sheet.headers:
                if header.startswith("label::") and header.split("::", 1)[1] not in found:
                    found.append(header.split("::", 1)[1])
        has_plain = any("label" in r for _, r in self.survey.rows)  # type: ignore[union-attr]
        if has_plain and self.default_language not in found:
            found.insert(0, self.default_language)
        order = {"zh": 0, "en": 1}
        return sorted(found, key=lambda code: order.get(code, 2)) or [self.default_language]

    def text(self, sheet: str, row: int, record: dict[str, Any], base: str, *, required: bool) -> dict[str, str] | None:
        texts = _texts(record, base, self.default_language)
        if not texts:
            if required:
                self.issue(sheet, row, base, f"no {base}; the name is used instead", warning=True)
                texts = {self.default_language: str(record.get("name", ""))}
            else:
                return None
        for language in self.languages:
            if language not in texts:
                source = next(iter(texts))
                self.issue(sheet, row, f"{base}::{language}", f"missing; copied from '{source}'", warning=True)
                texts[language] = texts[source]
        return {language: texts[language] for language in self.languages if language in texts}

    def our_name(self, name: str, sheet: str, row: int) -> str:
        candidate = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        if not candidate or not candidate[0].isalpha():
            candidate = "q_" + candidate
        base, suffix = candidate, 2
        while candidate in self.names.values():
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        if candidate != name:
            self.issue(sheet, row, "name", f"'{name}' renamed to '{candidate}' (ids are [a-z][a-z0-9_]*)", warning=True)
        self.names[name] = candidate
        return candidate

    def expression(self, raw: Any, sheet: str, row: int, column: str, *, allow_current: bool) -> str | None:
        text = str(raw).strip()
        if text.startswith("="):
            text = text[1:]

        def rename(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.names:
                raise ExpressionError(f"refers to '{name}', which is not an earlier supported question", text)
            return "${" + self.names[name] + "}"

        try:
            converted = re.sub(r"\$\{\s*([^}\s]+)\s*\}", rename, text)
            compile_expression(converted, allow_current=allow_current)
        except ExpressionError as exc:
            self.issue(sheet, row, column, f"not converted: {exc.detail} ({text!r})")
            return None
        return converted

    def choice_lists(self) -> dict[str, list[dict[str, Any]]]:
        lists: dict[str, list[dict[str, Any]]] = {}
        if self.choices is None:
            return lists
        sheet = self.choices.name
        for header, raw_header in zip(self.choices.headers, self.choices.raw_headers):
            base = header.split("::", 1)[0]
            if header and base not in SUPPORTED_CHOICE_COLUMNS and any(header in r for _, r in self.choices.rows):
                self.issue(sheet, None, raw_header, "column not supported; its values are not imported")
        for row, record in self.choices.rows:
            list_name = record.get("list_name", record.get("list name"))
            value = record.get("name")
            if list_name is None or value is None:
                self.issue(sheet, row, "list_name" if list_name is None else "name", "missing; choice skipped")
                continue
            value_text = _cell_text(value)
            if not CHOICE_VALUE_PATTERN.match(value_text):
                self.issue(sheet, row, "name", f"choice value '{value_text}' must match [A-Za-z0-9_.-]+; skipped")
                continue
            label = self.text(sheet, row, record, "label", required=True)
            existing = lists.setdefault(str(list_name), [])
            if any(choice["value"] == value_text for choice in existing):
                self.issue(sheet, row, "name", f"duplicate value '{value_text}' in list '{list_name}'; skipped")
                continue
            existing.append({"value": value_text, "label": label})
        return lists

    def run(self) -> dict[str, Any]:
        lists = self.choice_lists()
        survey = self.survey
        assert survey is not None
        sheet = survey.name
        for header, raw_header in zip(survey.headers, survey.raw_headers):
            base = header.split("::", 1)[0]
            if not header or base in SUPPORTED_SURVEY_COLUMNS:
                continue
            for row, record in survey.rows:
                if header in record:
                    self.issue(sheet, row, raw_header, f"column not supported; value {record[header]!r} not imported")
        sections: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        group_depth = 0
        skip_depth = 0  # inside an unsupported repeat
        for row, record in survey.rows:
            raw_type = str(record.get("type", "")).strip()
            qtype = _modern_type(re.sub(r"\s+", " ", raw_type.lower()))
            name = str(record.get("name", "")).strip()
            if skip_depth:
                if qtype in ("begin repeat", "begin_repeat"):
                    skip_depth += 1
                elif qtype in ("end repeat", "end_repeat"):
                    skip_depth -= 1
                if qtype not in ("end repeat", "end_repeat") or skip_depth:
                    self.issue(sheet, row, "type", f"'{raw_type}' {name!r} inside a repeat: repeats are not supported; skipped")
                continue
            if qtype in ("begin repeat", "begin_repeat"):
                self.issue(sheet, row, "type", f"repeat {name!r} not supported; it and its rows are skipped")
                skip_depth = 1
                continue
            if qtype in ("begin group", "begin_group"):
                group_depth += 1
                if group_depth > 1:
                    self.issue(sheet, row, "type", f"nested group {name!r} flattened into its parent section", warning=True)
                    continue
                section_id = self.our_name(name or f"section_{len(sections) + 1}", sheet, row)
                current = {"id": section_id, "title": self.text(sheet, row, record, "label", required=False)
                           or {lang: section_id for lang in self.languages}, "questions": []}
                if record.get("relevant"):
                    relevant = self.expression(record["relevant"], sheet, row, "relevant", allow_current=False)
                    if relevant:
                        current["relevant"] = relevant
                sections.append(current)
                continue
            if qtype in ("end group", "end_group"):
                group_depth = max(0, group_depth - 1)
                if group_depth == 0:
                    current = None
                continue
            if not qtype:
                self.issue(sheet, row, "type", "no type; row skipped")
                continue
            question = self.question(sheet, row, record, qtype, raw_type, lists)
            if question is None:
                continue
            if group_depth == 0:  # outside any group: one section per run of loose questions
                if not sections or not sections[-1].get("_loose"):
                    titles = {"zh": "问卷", "en": "Questions"}
                    sections.append({"id": f"part_{len(sections) + 1}", "_loose": True, "questions": [],
                                     "title": {lang: titles.get(lang, "Questions") for lang in self.languages}})
                sections[-1]["questions"].append(question)
            else:
                assert current is not None
                current["questions"].append(question)
        used = set(self.names.values())
        for section in sections:
            if section.pop("_loose", False):
                while section["id"] in used:
                    section["id"] += "_"
                used.add(section["id"])
        settings = self.settings_row
        form_id = str(settings.get("form_id") or self.path.stem)
        qid = re.sub(r"[^a-z0-9_]+", "_", form_id.lower()).strip("_") or "imported"
        if not qid[0].isalpha():
            qid = "form_" + qid
        title_raw = settings.get("form_title") or form_id
        return {
            "id": qid,
            "version": str(settings.get("version") or "1"),
            "languages": self.languages,
            "title": {lang: str(title_raw) for lang in self.languages},
            "introduction": {lang: str(title_raw) for lang in self.languages},
            "sections": [s for s in sections if s["questions"]],
        }

    def question(
        self, sheet: str, row: int, record: dict[str, Any], qtype: str, raw_type: str,
        lists: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        name = str(record.get("name", "")).strip()
        parts = qtype.split()
        base = parts[0]
        if base in METADATA_TYPES:
            self.issue(sheet, row, "type", f"metadata field '{raw_type}' ({name}) not supported; skipped")
            return None
        mapping = {"select_one": "single", "select_multiple": "multiple", "integer": "number",
                   "decimal": "number", "text": "text", "note": "note"}
        if base not in mapping:
            self.issue(sheet, row, "type", f"type '{raw_type}' not supported; question {name!r} skipped")
            return None
        if not name:
            self.issue(sheet, row, "name", "question without a name; skipped")
            return None
        out: dict[str, Any] = {"id": self.our_name(name, sheet, row), "type": mapping[base]}
        out["label"] = self.text(sheet, row, record, "label", required=True)
        hint = self.text(sheet, row, record, "hint", required=False)
        if hint:
            out["hint"] = hint
        if base in ("select_one", "select_multiple"):
            if len(parts) < 2:
                self.issue(sheet, row, "type", f"'{raw_type}' names no choice list; question skipped")
                self.names.pop(name, None)
                return None
            if len(parts) > 2:
                extra = "the 'other, specify' option" if parts[-1] == "or_other" else f"'{' '.join(parts[2:])}'"
                self.issue(sheet, row, "type", f"'{raw_type}': {extra} not supported; imported without it")
            choices = lists.get(parts[1])
            if not choices:
                self.issue(sheet, row, "type", f"choice list '{parts[1]}' not found on the choices sheet; question skipped")
                self.names.pop(name, None)
                return None
            out["choices"] = choices
        if base == "integer":
            out["integer"] = True
        required_raw = str(record.get("required", "")).strip().lower()
        if mapping[base] != "note":
            if required_raw in TRUE_WORDS:
                out["required"] = True
            elif required_raw in FALSE_WORDS:
                out["required"] = False
            else:
                self.issue(sheet, row, "required", f"'{record.get('required')}' is not yes/no; taken as not required", warning=True)
                out["required"] = False
        elif required_raw in TRUE_WORDS:
            self.issue(sheet, row, "required", "a note cannot be required; ignored", warning=True)
        if record.get("relevant") is not None:
            relevant = self.expression(record["relevant"], sheet, row, "relevant", allow_current=False)
            if relevant:
                out["relevant"] = relevant
        if record.get("constraint") is not None:
            # the question's own name is known by now, so ${self} in a constraint converts too
            constraint = self.expression(record["constraint"], sheet, row, "constraint", allow_current=True)
            if constraint:
                out["constraint"] = constraint
                message = self.text(sheet, row, record, "constraint_message", required=False)
                if message:
                    out["constraint_message"] = message
        return out


def _modern_type(qtype: str) -> str:
    """The older spellings: 'select one from L' -> 'select_one L', 'select all that apply from L'."""
    match = re.match(r"^select (one|all that apply|multiple) from (\S+)( or specify other)?$", qtype)
    if match:
        base = "select_one" if match.group(1) == "one" else "select_multiple"
        return f"{base} {match.group(2)}" + (" or_other" if match.group(3) else "")
    return qtype


def import_xlsform(path: str | Path) -> XLSFormImport:
    """Convert an XLSForm to our questionnaire as plain data, with every issue found."""
    importer = _Importer(Path(path))
    questionnaire = importer.run()
    issues = sorted(importer.issues, key=lambda i: ((i.file or "").lower() != "survey", i.row or 0))
    return XLSFormImport(questionnaire, issues)
