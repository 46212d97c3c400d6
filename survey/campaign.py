"""Campaigns and sites: what is surveyed, where, with which instruments, and when.

A campaign has a name, a jurisdiction profile (the thresholds), an organiser shown on posters,
its instruments (stored by version hash, each with a one- or two-character short id used in
site tokens), opening and closing dates (inclusive, in the campaign's time zone) and its sites.

A site is one place where respondents are reached (a poster hangs there): a stratum (the
township or street office), a PSU (the primary sampling unit it belongs to; the site itself
when the plan has one stage), a kind (county hospital, township health centre, community health
service centre or station, village clinic, or ``household`` for door-to-door work in a village or
residents' group), a name and a quota per instrument. Sites come from
a sampling plan or frame file (CSV or XLSX, see :func:`read_frame`) or are added one by one.

Everything here is plain immutable data; ``survey.storage`` persists it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from survey.errors import SurveyError
from tabular import Problem, TableError, read_table

DEFAULT_TIMEZONE = "Asia/Shanghai"

SITE_KINDS: dict[str, dict[str, str]] = {
    "county_hospital": {"zh": "县级医院", "en": "County hospital"},
    "township_centre": {"zh": "乡镇卫生院", "en": "Township health centre"},
    "community_centre": {"zh": "社区卫生服务中心", "en": "Community health service centre"},
    "community_station": {"zh": "社区卫生服务站", "en": "Community health service station"},
    "village_clinic": {"zh": "村卫生室", "en": "Village clinic"},
    "household": {"zh": "入户（家庭、村组）", "en": "Door to door (households, village groups)"},
}
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

SOURCES = ("qr", "surveyor", "import")
# When a quiz respondent sees the answer key after submitting (their own score is always shown):
# "after_submit" at once, "after_close" once the campaign has closed (so one screenshot cannot
# spread the key while the quiz runs), "never".
ANSWER_KEY_RULES = ("after_close", "after_submit", "never")
DEFAULT_KEEP_MONTHS = 36
SITE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
SHORT_ID = re.compile(r"^[a-z0-9]{1,4}$")
MAX_NUMBER = 1e10  # a population, weight or quota above this is a typing or unit error


class CampaignError(SurveyError):
    """A campaign or site that cannot be created as given."""


class UnknownCampaign(CampaignError):
    def __init__(self, campaign_id: object) -> None:
        self.campaign_id = campaign_id
        super().__init__(f"no campaign with id {campaign_id!r}")


class SiteFileError(CampaignError):
    """A frame or plan file of sites that cannot be used; ``problems`` lists every
    :class:`tabular.Problem` found (file, row, column, code, message)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SiteSpec:
    """A site before it is stored. ``quotas`` maps questionnaire id -> target number of responses.

    ``population`` is the site's own (its catchment: the people it serves); ``stratum_population``
    is its stratum's N_h (a plan's ``stratum_size``) and ``stratum_psus`` the PSUs in the stratum's
    frame (a plan's N_h of PSUs, the first-stage fpc). ``design_weight`` is the plan's person-level
    design weight (1/person_prob; a plan's ``weight`` column) and ``inclusion_prob`` the PSU's first-stage inclusion probability.
    """

    code: str
    name: str
    stratum: str
    kind: str
    psu: str = ""
    quotas: Mapping[str, int] = field(default_factory=dict)
    population: float | None = None
    inclusion_prob: float | None = None
    design_weight: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    stratum_population: float | None = None
    stratum_psus: float | None = None

    def __post_init__(self) -> None:
        problems = site_problems(self)
        if problems:
            raise CampaignError(f"site {self.code!r}: " + "; ".join(problems))
        if not self.psu:
            object.__setattr__(self, "psu", self.code)

    @property
    def kind_label(self) -> dict[str, str]:
        return SITE_KINDS[self.kind]

    def quota(self, questionnaire_id: str) -> int:
        """The site's target number of responses to a questionnaire; 0 when it has none
        (a spec's ``*`` quota counts for every questionnaire)."""
        quotas = dict(self.quotas)
        return int(quotas.get(questionnaire_id, quotas.get("*", 0)) or 0)


def site_problems(site: SiteSpec) -> list[str]:
    """What is wrong with a site (empty when it can be stored)."""
    problems = []
    if not isinstance(site.code, str) or not SITE_CODE.match(site.code):
        problems.append(f"code {site.code!r} must be 1-16 letters, digits, '-' or '_'")
    if not str(site.name or "").strip():
        problems.append("name is empty")
    if not str(site.stratum or "").strip():
        problems.append("stratum is empty")
    if site.kind not in SITE_KINDS:
        problems.append(f"kind {site.kind!r} is not one of {sorted(SITE_KINDS)}")
    for questionnaire_id, quota in dict(site.quotas).items():
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 0:
            problems.append(f"quota for {questionnaire_id!r} must be a whole number >= 0, got {quota!r}")
    return problems


@dataclass(frozen=True)
class Site(SiteSpec):
    """A stored site: a :class:`SiteSpec` with its database id and campaign."""

    id: int = 0
    campaign_id: int = 0


@dataclass(frozen=True)
class QuotaProgress:
    """Responses of one site to one questionnaire against the site's quota for it."""

    site: Site
    questionnaire_id: str
    quota: int
    responses: int

    @property
    def remaining(self) -> int:
        """Responses still to collect (never below 0)."""
        return max(self.quota - self.responses, 0)

    @property
    def share(self) -> float | None:
        """responses / quota (may pass 1); None without a quota."""
        return self.responses / self.quota if self.quota else None


@dataclass(frozen=True)
class CampaignInstrument:
    """One instrument of a campaign: the questionnaire version and its short id in tokens."""

    short_id: str
    questionnaire_id: str
    version_hash: str
    title: Mapping[str, str] = field(default_factory=dict)
    estimated_minutes: int | None = None
    audience: str = "residents"


@dataclass(frozen=True)
class CampaignSpec:
    """A campaign before it is stored."""

    name: str
    profile_id: str
    opens_on: dt.date
    closes_on: dt.date
    organizer: str = ""
    timezone: str = DEFAULT_TIMEZONE
    demo: bool = False
    contact_phone: str = ""  # shown on the form's first screen
    answer_key: str = "after_close"  # one of ANSWER_KEY_RULES
    keep_months: int = DEFAULT_KEEP_MONTHS  # how long answers are kept after the campaign closes (months)

    def __post_init__(self) -> None:
        if self.answer_key not in ANSWER_KEY_RULES:
            raise CampaignError(f"answer_key must be one of {', '.join(ANSWER_KEY_RULES)}, got {self.answer_key!r}")
        if not isinstance(self.keep_months, int) or isinstance(self.keep_months, bool) or not 1 <= self.keep_months <= 600:
            raise CampaignError(f"keep_months must be a whole number of months from 1 to 600, got {self.keep_months!r}")
        if len(self.contact_phone) > 40 or any(ord(ch) < 32 for ch in self.contact_phone):
            raise CampaignError(f"contact phone {self.contact_phone[:50]!r} is not a phone number (at most 40 characters)")
        if not self.name.strip():
            raise CampaignError("campaign name is empty")
        if not self.profile_id.strip():
            raise CampaignError("campaign profile id is empty")
        if not isinstance(self.opens_on, dt.date) or not isinstance(self.closes_on, dt.date):
            raise CampaignError("opens_on and closes_on must be dates")
        if self.closes_on < self.opens_on:
            raise CampaignError(f"campaign closes ({self.closes_on}) before it opens ({self.opens_on})")
        try:
            ZoneInfo(self.timezone)
        except Exception:
            raise CampaignError(f"unknown time zone {self.timezone!r}") from None


CampaignStatus = str  # "open" | "not_yet_open" | "closed"


@dataclass(frozen=True)
class Campaign:
    """A stored campaign with its instruments and sites."""

    id: int
    name: str
    profile_id: str
    opens_on: dt.date
    closes_on: dt.date
    organizer: str = ""
    timezone: str = DEFAULT_TIMEZONE
    demo: bool = False
    contact_phone: str = ""
    answer_key: str = "after_close"
    keep_months: int = DEFAULT_KEEP_MONTHS
    closed_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    instruments: tuple[CampaignInstrument, ...] = ()
    sites: tuple[Site, ...] = ()

    def status(self, now: dt.datetime | None = None) -> CampaignStatus:
        """``open``, ``not_yet_open`` or ``closed`` at ``now`` (aware; default: the current time).

        The dates are inclusive and read in the campaign's time zone; closing the campaign by
        hand (``closed_at``) ends it at that moment.
        """
        now = now or dt.datetime.now(dt.timezone.utc)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if self.closed_at is not None and now >= self.closed_at:
            return "closed"
        local = now.astimezone(ZoneInfo(self.timezone)).date()
        if local < self.opens_on:
            return "not_yet_open"
        if local > self.closes_on:
            return "closed"
        return "open"

    def accepts(self, at: dt.datetime | None = None) -> str | None:
        """None when the campaign takes responses at ``at`` (aware; default: now), else the refusal
        reason: ``not_yet_open`` or ``closed`` (the codes of ``survey.tokens.REASONS``)."""
        status = self.status(at)
        return None if status == "open" else status

    def closing_date(self) -> dt.date:
        """The campaign's last day in its time zone: the day it was closed by hand, if that came
        before its planned last day, else the planned last day (``closes_on``)."""
        if self.closed_at is not None:
            return min(self.closed_at.astimezone(ZoneInfo(self.timezone)).date(), self.closes_on)
        return self.closes_on

    def quota_progress(self, counts: Mapping[tuple[str, str], int]) -> list[QuotaProgress]:
        """Quota progress, sites then questionnaires in the campaign's order: one entry per site
        and questionnaire with a quota or at least one response.

        ``counts``: (site code, questionnaire id) -> responses stored (``Store.response_counts``).
        """
        out = []
        for site in self.sites:
            for instrument in self.instruments:
                qid = instrument.questionnaire_id
                quota, responses = site.quota(qid), int(counts.get((site.code, qid), 0))
                if quota or responses:
                    out.append(QuotaProgress(site, qid, quota, responses))
        return out

    def shows_answer_key(self, now: dt.datetime | None = None) -> bool:
        """Whether a quiz respondent sees the key after submitting, at ``now`` (see ANSWER_KEY_RULES)."""
        if self.answer_key == "after_submit":
            return True
        if self.answer_key == "never":
            return False
        return self.status(now) == "closed"

    def site(self, code: str) -> Site | None:
        return next((s for s in self.sites if s.code == code), None)

    def instrument(self, short_id: str) -> CampaignInstrument | None:
        return next((i for i in self.instruments if i.short_id == short_id), None)

    def instrument_by_hash(self, version_hash: str) -> CampaignInstrument | None:
        return next((i for i in self.instruments if i.version_hash == version_hash), None)

    def instrument_for(self, questionnaire_id: str) -> CampaignInstrument | None:
        return next((i for i in self.instruments if i.questionnaire_id == questionnaire_id), None)


def short_ids(questionnaire_ids: Sequence[str]) -> list[str]:
    """One short id per instrument for tokens: its first letter, with a digit when taken.

    >>> short_ids(["resident", "staff_policy", "satisfaction"])
    ['r', 's', 's2']
    """
    taken: set[str] = set()
    out = []
    for qid in questionnaire_ids:
        base = (re.sub(r"[^a-z0-9]", "", qid.lower()) or "q")[0]
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        out.append(candidate)
    return out


# ---------------------------------------------------------------------------------------------
# Frame and plan files

# Column names understood in a frame or plan file (English names, or the Chinese headers a
# county office is likely to type). A sampling plan from ``python -m sampling select`` has the
# frame's columns plus inclusion_prob, person_prob, take and weight; ``take`` becomes the quota
# when no quota column is given.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "site_code", "编号", "代码", "机构编号"),
    "name": ("name", "site", "site_name", "机构名称", "名称", "调查点"),
    "stratum": ("stratum", "township", "乡镇", "乡镇街道", "乡镇（街道）", "层"),
    "psu": ("psu", "village", "初级抽样单位", "村社区"),
    "kind": ("kind", "type", "机构类型", "类型"),
    "quota": ("quota", "配额", "样本量"),
    "take": ("take",),
    "population": ("population", "人口", "常住人口"),
    "stratum_population": ("stratum_population", "stratum_size", "乡镇人口", "乡镇（街道）人口"),
    "stratum_psus": ("stratum_psus",),
    "inclusion_prob": ("inclusion_prob",),
    "design_weight": ("design_weight", "weight", "权重"),
}
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
        for field_name in ("population", "stratum_population", "stratum_psus", "inclusion_prob", "design_weight"):
            if field_name in resolved:
                numbers[field_name] = _number(cell(field_name), lambda m, f=field_name: problem(f, m))
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
