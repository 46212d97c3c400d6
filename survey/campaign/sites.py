"""Site files: a sampling plan or frame (CSV or XLSX) read into :class:`SiteSpec` rows.

A county office's file may use English names or the Chinese headers it is likely to type
(:data:`COLUMN_ALIASES`) and Chinese words for the kind of site (:data:`KIND_ALIASES`); every
problem is reported with its row and column (:class:`SiteFileError`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from survey.campaign.model import MAX_NUMBER, SITE_CODE, SITE_KINDS, CampaignError, SiteSpec
from survey.errors import ProblemsError
from tabular import Problem, TableError, read_table
from tabular.aliases import SITE_FILE


class SiteFileError(ProblemsError, CampaignError):
    """A frame or plan file of sites that cannot be used; ``problems`` lists every
    :class:`tabular.Problem` found (file, row, column, code, message)."""


# Words accepted in a frame's kind column, besides the keys above.
KIND_ALIASES: dict[str, str] = {
    "县级医院": "county_hospital",
    "县医院": "county_hospital",
    "县中医院": "county_hospital",
    "中医医院": "county_hospital",
    "乡镇卫生院": "township_centre",
    "卫生院": "township_centre",
    "社区卫生服务中心": "community_centre",
    "社区中心": "community_centre",
    "社区卫生服务站": "community_station",
    "社区站": "community_station",
    "村卫生室": "village_clinic",
    "卫生室": "village_clinic",
    "入户": "household",
    "入户调查": "household",
    "家庭": "household",
}

# Column names understood in a frame or plan file: the site-file words of the one alias table.
COLUMN_ALIASES = SITE_FILE
REQUIRED_COLUMNS = ("name", "stratum", "kind")


def read_frame(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    questionnaire_ids: Sequence[str] = (),
) -> list[SiteSpec]:
    """Read sites from a frame or sampling-plan file (CSV in UTF-8 or GB18030, or XLSX).

    Parameters
    ----------
    path
        The file. The first row holds the column names; data starts on row 2 (row numbers in
        errors are those a spreadsheet shows).
    columns
        Our field -> the file's column name, for files whose headers differ (e.g.
        ``{"stratum": "town", "psu": "village_id"}``). Otherwise the names in
        :data:`COLUMN_ALIASES` are recognised.
    questionnaire_ids
        The campaign's questionnaire ids. A column ``quota`` (or ``take``) sets the quota of
        every questionnaire; ``quota_<id>`` sets one questionnaire's quota.

    Raises
    ------
    SiteFileError
        Listing every problem with file, row and column: a missing required column
        (name, stratum, kind), an unknown kind, an empty name, a bad number, a duplicate site
        code or a duplicate site (same name in the same stratum).
    """
    path = Path(path)
    file = str(path)
    header, rows = _site_table(path)
    resolved, problems = _resolve_columns(file, header, columns or {}, questionnaire_ids)
    if problems:
        raise SiteFileError(problems)
    sites: list[SiteSpec] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    width = max(2, len(str(len(rows))))
    position = 0
    for offset, values in enumerate(rows):
        row_number = offset + 2
        record = {name: (values[index] if index < len(values) else None) for name, index in header.items()}
        if all(_blank(v) for v in record.values()):
            continue  # trailing empty lines of spreadsheets
        position += 1
        row_problems: list[Problem] = []

        def cell(field_name: str) -> Any:
            column = resolved.get(field_name)
            return record.get(column) if column else None

        def problem(field_name: str, message: str) -> None:
            row_problems.append(Problem(file, row_number, resolved.get(field_name, field_name), "invalid_site", message))

        name = _text(cell("name"))
        stratum = _text(cell("stratum"))
        if not name:
            problem("name", "the site name is empty")
        if not stratum:
            problem("stratum", "the stratum (township) is empty")
        kind_raw = _text(cell("kind"))
        kind = kind_raw if kind_raw in SITE_KINDS else KIND_ALIASES.get(kind_raw, "")
        if not kind:
            problem("kind", f"unknown site kind {kind_raw!r}; use one of {sorted(SITE_KINDS)} or 乡镇卫生院, 社区卫生服务中心, 社区卫生服务站, 村卫生室, 县级医院")
        code = _text(cell("code")) if "code" in resolved else str(position).zfill(width)
        if "code" in resolved:
            if not SITE_CODE.match(code):
                problem("code", f"site code {code!r} must be 1-16 letters, digits, '-' or '_'")
            elif code in seen_codes:
                problem("code", f"duplicate site code {code!r} (first on row {seen_codes[code]})")
            else:
                seen_codes[code] = row_number
        if name and stratum:
            key = (stratum, name)
            if key in seen_names:
                problem("name", f"duplicate site {name!r} in {stratum!r} (first on row {seen_names[key]})")
            else:
                seen_names[key] = row_number
        psu = _text(cell("psu")) if "psu" in resolved else ""
        numbers: dict[str, float | None] = {}
        for field_name in ("population", "stratum_population", "stratum_psus", "inclusion_prob", "design_weight",
                           "household_prob"):
            if field_name in resolved:
                numbers[field_name] = _number(cell(field_name), lambda m, f=field_name: problem(f, m))
        share = numbers.get("household_prob")
        if share is not None and not 0 < share <= 1:
            problem("household_prob", f"{share} is not a probability (more than 0, at most 1)")
        quotas: dict[str, int] = {}
        base_field = "quota" if "quota" in resolved else ("take" if "take" in resolved else None)
        if base_field is not None:
            value = _count(cell(base_field), lambda m: problem(base_field, m))
            if value is not None:
                quotas = {qid: value for qid in questionnaire_ids} if questionnaire_ids else {"*": value}
        for qid in questionnaire_ids:
            field_name = f"quota_{qid}"
            if field_name in resolved:
                value = _count(cell(field_name), lambda m, f=field_name: problem(f, m))
                if value is not None:
                    quotas[qid] = value
        extra = {
            column: _plain(record.get(column))
            for column in header
            if column not in resolved.values() and not _blank(record.get(column))
        }
        if row_problems:
            problems.extend(row_problems)
            continue
        sites.append(
            SiteSpec(
                code=code,
                name=name,
                stratum=stratum,
                kind=kind,
                psu=psu or code,
                quotas=quotas,
                population=numbers.get("population"),
                inclusion_prob=numbers.get("inclusion_prob"),
                design_weight=numbers.get("design_weight"),
                stratum_population=numbers.get("stratum_population"),
                stratum_psus=numbers.get("stratum_psus"),
                household_prob=numbers.get("household_prob"),
                extra=extra,
            )
        )
    if problems:
        raise SiteFileError(problems)
    if not sites:
        raise SiteFileError([Problem(file, None, None, "empty", "no sites: the file has no data rows")])
    return sites


def _site_table(path: Path) -> tuple[dict[str, int], tuple[tuple[Any, ...], ...]]:
    """Column name -> index and the data rows of a CSV/XLSX file (:func:`tabular.read_table`)."""
    try:
        table = read_table(path)
    except TableError as exc:
        raise SiteFileError(exc.problems) from None
    if not table.header:
        raise SiteFileError([Problem(str(path), None, None, "empty", "the file is empty")])
    header = {name: index for index, name in enumerate(table.header) if name}
    return header, table.rows


def _resolve_columns(
    file: str, header: Mapping[str, int], columns: Mapping[str, str], questionnaire_ids: Sequence[str]
) -> tuple[dict[str, str], list[Problem]]:
    resolved: dict[str, str] = {}
    problems: list[Problem] = []
    lower = {name.lower(): name for name in header}
    for field_name, column in columns.items():
        if column not in header:
            problems.append(Problem(file, 1, column, "missing_column", f"column for {field_name!r} not found; columns are {list(header)}"))
        else:
            resolved[field_name] = column
    for field_name, aliases in COLUMN_ALIASES.items():
        if field_name in resolved:
            continue
        for alias in aliases:
            if alias.lower() in lower:
                resolved[field_name] = lower[alias.lower()]
                break
    for qid in questionnaire_ids:
        name = f"quota_{qid}"
        if name.lower() in lower:
            resolved[name] = lower[name.lower()]
    for field_name in REQUIRED_COLUMNS:
        if field_name not in resolved:
            names = " / ".join(COLUMN_ALIASES[field_name])
            problems.append(Problem(file, 1, field_name, "missing_column", f"missing column {field_name!r} (accepted names: {names}); columns are {list(header)}"))
    return resolved, problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def _number(value: Any, report: Any) -> float | None:
    if _blank(value):
        return None
    shown = str(value).strip()
    shown = repr(shown) if len(shown) <= 24 else f"{shown[:12]!r}...({len(shown)} characters)"
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        report(f"expected a number, got {shown}")
        return None
    if math.isnan(number) or number < 0:
        report(f"expected a number >= 0, got {shown}")
        return None
    if number > MAX_NUMBER:
        report(f"{shown} is not plausible (more than {MAX_NUMBER:,.0f})")
        return None
    return number


def _count(value: Any, report: Any) -> int | None:
    if _blank(value):
        return None
    number = _number(value, report)
    if number is None:
        return None
    if not float(number).is_integer():
        report(f"expected a whole number, got {value!r}")
        return None
    return int(number)


def check_quotas(sites: Iterable[SiteSpec], questionnaire_ids: Sequence[str]) -> None:
    """Raise CampaignError when a site has a quota for an instrument the campaign lacks."""
    known = set(questionnaire_ids) | {"*"}
    for site in sites:
        unknown = sorted(set(site.quotas) - known)
        if unknown:
            raise CampaignError(f"site {site.code!r}: quota for {unknown} but the campaign's instruments are {list(questionnaire_ids)}")
