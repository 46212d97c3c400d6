"""Which households to assign: household codes typed as ranges and lists, or the household file of
``python -m sampling households``, read into checked :class:`~survey.collect.households.HouseholdSpec`
rows or refused with the bad code or row named.

Typed codes (:func:`parse_household_codes`): items separated by commas (``,`` ``，`` ``、``
``;`` ``；``), blanks or new lines; an item is a code (``H12``, ``450205001-007``) or a range of
numbered codes, ``001-020`` (also ``001~020``, ``001至020``, ``001到020`` and a prefix such as
``A001-A020`` or ``A001-020``), which keeps the zero padding of its start: ``001-003`` is 001,
002, 003. A range names at most :data:`MAX_RANGE` codes and must not run backwards; two numbers
whose second is shorter and smaller (``450205001-007``, the ids ``python -m sampling households``
writes) are one code, not a range. A code may be given only once.

The household file (:func:`read_household_list`) is a CSV or XLSX with a village column
(``village``, 村, 村（社区）, 调查点编码, ``site_code``) and a household column (``household``, 户编号,
户编码), and optionally an address (``address``, 地址, 住址): the output of ``python -m sampling
households``. A village is matched to a campaign site by its code, else by its PSU id (the plan's
village column is the PSU id).

Pure: no storage, no I/O beyond reading the bytes given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.collect.households import HOUSEHOLD_CODE, HouseholdError, HouseholdSpec
from survey.errors import ProblemsError
from tabular import Problem, TableError, read_table

__all__ = ["HOUSEHOLD_LIST", "MAX_CODES", "MAX_RANGE", "HouseholdList", "HouseholdListError",
           "parse_household_codes", "read_household_list", "typed_households"]

MAX_RANGE = 2000
"""Codes one range may name (a village's households; more is a typing error)."""
MAX_CODES = 5000
"""Codes one text may name."""

HOUSEHOLD_LIST: Mapping[str, tuple[str, ...]] = {
    "village": ("village", "site_code", "site", "村", "村（社区）", "村(社区)", "村居", "调查点", "调查点编码"),
    "household": ("household", "household_id", "code", "户编号", "户编码", "住户编号", "户"),
    "address": ("address", "地址", "住址", "门牌"),
}
"""Accepted headers of the household file (matched ignoring case and surrounding blanks)."""

_SEPARATORS = re.compile(r"[,，、;；\s]+")
_RANGE = re.compile(r"^([A-Za-z_.]*)(\d+)\s*(?:-|–|—|~|～|至|到)\s*([A-Za-z_.]*)(\d+)$")


def _range(item: str, match: re.Match[str]) -> list[str]:
    prefix, first, prefix_end, last = match.groups()
    if prefix_end and prefix_end != prefix:
        raise HouseholdError(f"{item!r}: both ends of a range must have the same prefix ({prefix!r} and {prefix_end!r})")
    start, end = int(first), int(last)
    if end < start and len(last) < len(first) and not prefix_end:
        return [item]  # a village-and-position id such as 450205001-007, not a range
    if end < start:
        raise HouseholdError(f"{item!r}: the range runs backwards ({last} is before {first})")
    if end - start + 1 > MAX_RANGE:
        raise HouseholdError(f"{item!r}: a range names at most {MAX_RANGE} households, this one {end - start + 1}")
    width = len(first)
    return [f"{prefix}{n:0{width}d}" for n in range(start, end + 1)]


def parse_household_codes(text: str) -> list[str]:
    """The household codes ``text`` names, in the order given; HouseholdError naming the bad item.

    >>> parse_household_codes("001-003, 010")
    ['001', '002', '003', '010']
    >>> parse_household_codes("A08~A10、B1")
    ['A08', 'A09', 'A10', 'B1']
    """
    if not isinstance(text, str):
        raise HouseholdError(f"household codes must be text, got {type(text).__name__}")
    codes: list[str] = []
    seen: set[str] = set()
    # a blank around a range's dash belongs to the range: "001 - 020" is one item
    text = re.sub(r"\s*(-|–|—|~|～|至|到)\s*", r"\1", text.strip())
    for item in (part for part in _SEPARATORS.split(text) if part):
        match = _RANGE.match(item)
        if match:
            named = _range(item, match)
        elif HOUSEHOLD_CODE.match(item):
            named = [item]
        else:
            raise HouseholdError(f"{item!r} is not a household code (1-32 letters, digits, '.', '_' or '-') "
                                 f"nor a range such as 001-020")
        for code in named:
            if code in seen:
                raise HouseholdError(f"household {code} is named twice" + (f" (in {item!r})" if item != code else ""))
            seen.add(code)
            codes.append(code)
        if len(codes) > MAX_CODES:
            raise HouseholdError(f"at most {MAX_CODES} households at once")
    if not codes:
        raise HouseholdError("no household code given: type codes such as 001-020 or 003, 007, 012")
    return codes


def typed_households(site_code: str, text: str, address: str = "") -> list[HouseholdSpec]:
    """The households of ``site_code`` that ``text`` names (:func:`parse_household_codes`); an
    ``address`` goes with a single household only (several: upload a file with an address column).

    >>> [h.code for h in typed_households("V1", "001-003")]
    ['001', '002', '003']
    """
    codes = parse_household_codes(text)
    address = (address or "").strip()
    if address and len(codes) > 1:
        raise HouseholdError(f"an address goes with one household, and {len(codes)} are named: give addresses "
                             "in the address column of a household file instead")
    return [HouseholdSpec(site_code, code, address) for code in codes]


class HouseholdListError(ProblemsError):
    """A household file that cannot be used; ``problems`` names every row and column at fault."""


@dataclass(frozen=True)
class HouseholdList:
    """The checked rows of a household file: the households per site, the file's name and SHA-256."""

    filename: str
    sha256: str
    households: tuple[HouseholdSpec, ...]

    def of_site(self, site_code: str) -> list[HouseholdSpec]:
        return [h for h in self.households if h.site_code == site_code]

    def sites(self) -> dict[str, int]:
        """Households per site code, in file order."""
        out: dict[str, int] = {}
        for h in self.households:
            out[h.site_code] = out.get(h.site_code, 0) + 1
        return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(header: Sequence[str], file: str) -> tuple[dict[str, str], list[Problem]]:
    lowered = {str(h).strip().lower(): h for h in header}
    found, problems = {}, []
    for field, aliases in HOUSEHOLD_LIST.items():
        column = next((lowered[a.lower()] for a in aliases if a.lower() in lowered), None)
        if column is not None:
            found[field] = column
        elif field != "address":
            problems.append(Problem(file, 1, None, "missing_column", f"no column {field} ({' / '.join(aliases)})"))
    return found, problems


def read_household_list(source: bytes | str | Path, *, sites: Mapping[str, str], filename: str | None = None) -> HouseholdList:
    """Read and check a household file; HouseholdListError listing every problem by row and column.

    ``sites`` maps each campaign site's code to its PSU id (may be empty); a row's village is the
    site of that code, else the site whose PSU id it is, else the row is refused.
    """
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else "households.csv")
    try:
        table = read_table(source, name=name, sniff=True)
    except TableError as exc:
        raise HouseholdListError(exc.problems) from None
    columns, problems = _columns(table.header, name)
    if problems:
        raise HouseholdListError(problems)
    if not table.rows:
        raise HouseholdListError([Problem(name, None, None, "empty", "the household file has no rows")])
    by_psu: dict[str, str] = {}
    for code, psu in sites.items():
        if psu and psu not in sites:
            by_psu.setdefault(str(psu), code)
    rows: list[HouseholdSpec] = []
    seen: dict[tuple[str, str], int] = {}
    for number, record in table.records():
        village, household = _text(record[columns["village"]]), _text(record[columns["household"]])
        address = _text(record[columns["address"]]) if "address" in columns else ""
        site = village if village in sites else by_psu.get(village)
        before = len(problems)
        if site is None:
            problems.append(Problem(name, number, columns["village"], "unknown_site",
                                    f"no site {village!r} in the campaign (by code or village id)"))
        try:
            spec = HouseholdSpec(site or "", household, address)
        except HouseholdError as exc:
            problems.append(Problem(name, number, columns["household"] if not HOUSEHOLD_CODE.match(household)
                                    else columns.get("address"), "bad_household", str(exc)))
            continue
        if site is not None and (site, household) in seen:
            problems.append(Problem(name, number, columns["household"], "duplicate",
                                    f"household {household} of {village} is also in row {seen[(site, household)]}"))
        if len(problems) == before:
            seen[(site, household)] = number
            rows.append(spec)
    if problems:
        raise HouseholdListError(problems)
    return HouseholdList(table.name, table.sha256, tuple(rows))
