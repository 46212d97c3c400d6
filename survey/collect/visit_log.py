"""Paper visit logs: a CSV or XLSX with one row per visit to a household, read into checked
:class:`~survey.collect.households.LoggedVisit` rows or refused with every problem named by row
and column.

Columns (English or Chinese headers, ``tabular.aliases.VISIT_LOG``): ``site_code`` (调查点编码),
``household`` (户编号), ``visited_at`` (访问时间: ``YYYY-MM-DD HH:MM`` or a date, in the campaign's
time zone, or an Excel date), ``disposition`` (访问结果: an AAPOR code such as ``2.11`` or a word,
``survey.collect.dispositions.parse_disposition``) and optionally ``surveyor`` (调查员). Each row's
nonce is a digest of what it says, so importing the same log twice stores each visit once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from survey.collect.dispositions import parse_disposition
from survey.collect.households import HOUSEHOLD_CODE, LoggedVisit
from survey.errors import ProblemsError, SurveyError
from tabular import Problem, TableError, read_table
from tabular.aliases import VISIT_LOG

REQUIRED = ("site_code", "household", "visited_at", "disposition")
NONCE_PREFIX = "vlog-"


class VisitLogError(ProblemsError):
    """A visit log that cannot be imported; ``problems`` names every row and column at fault."""


@dataclass(frozen=True)
class VisitLog:
    """The checked rows of a visit log, with the file's name and SHA-256 (for the audit row)."""

    filename: str
    sha256: str
    rows: tuple[LoggedVisit, ...]


def _columns(header: Sequence[str], file: str) -> tuple[dict[str, str], list[Problem]]:
    lowered = {str(h).strip().lower(): h for h in header}
    found, problems = {}, []
    for field, aliases in VISIT_LOG.items():
        column = next((lowered[a.lower()] for a in aliases if a.lower() in lowered), None)
        if column is not None:
            found[field] = column
        elif field in REQUIRED:
            problems.append(Problem(file, 1, None, "missing_column",
                                    f"no column {field} ({' / '.join(aliases)})"))
    return found, problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _time(value: Any, zone: ZoneInfo) -> dt.datetime:
    """A visit time from a cell: a datetime or date (Excel), or text ``YYYY-MM-DD[ HH:MM[:SS]]``."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(12, 0))
    else:
        text = _text(value).replace("/", "-").replace("T", " ")
        moment = dt.datetime.fromisoformat(text) if " " in text else dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12, 0))
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(dt.timezone.utc)


def _nonce(site: str, household: str, at: dt.datetime, code: str) -> str:
    digest = hashlib.sha256(f"{site}\x1f{household}\x1f{at.isoformat()}\x1f{code}".encode()).hexdigest()
    return NONCE_PREFIX + digest[:40]


def read_visit_log(source: bytes | str | Path, *, timezone: str, filename: str | None = None,
                   site_codes: Sequence[str] | None = None) -> VisitLog:
    """Read and check a visit log; VisitLogError listing every problem (nothing is stored here).

    ``site_codes``: the campaign's sites; a row naming another is refused with its row number.
    """
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else "visits.csv")
    try:
        table = read_table(source, name=name, sniff=True)
    except TableError as exc:
        raise VisitLogError(exc.problems) from None
    columns, problems = _columns(table.header, name)
    if problems:
        raise VisitLogError(problems)
    if not table.rows:
        raise VisitLogError([Problem(name, None, None, "empty", "the visit log has no rows")])
    zone, known = ZoneInfo(timezone), set(site_codes) if site_codes is not None else None
    rows: list[LoggedVisit] = []
    for number, record in table.records():
        site, household = _text(record[columns["site_code"]]), _text(record[columns["household"]])
        before = len(problems)
        if not site or (known is not None and site not in known):
            problems.append(Problem(name, number, columns["site_code"], "unknown_site", f"no site {site!r} in the campaign"))
        if not HOUSEHOLD_CODE.match(household):
            problems.append(Problem(name, number, columns["household"], "bad_household",
                                    f"household {household!r} must be 1-32 letters, digits, '.', '_' or '-'"))
        try:
            at = _time(record[columns["visited_at"]], zone)
        except (TypeError, ValueError):
            problems.append(Problem(name, number, columns["visited_at"], "bad_time",
                                    f"{_text(record[columns['visited_at']])!r} is not a time (YYYY-MM-DD HH:MM)"))
        try:
            code = parse_disposition(_text(record[columns["disposition"]]))
        except SurveyError as exc:
            problems.append(Problem(name, number, columns["disposition"], "bad_disposition", str(exc)))
        if len(problems) == before:
            surveyor = _text(record[columns["surveyor"]])[:64] if "surveyor" in columns else ""
            rows.append(LoggedVisit(site, household, at, code, _nonce(site, household, at, code), surveyor))
    if problems:
        raise VisitLogError(problems)
    return VisitLog(table.name, table.sha256, tuple(rows))
