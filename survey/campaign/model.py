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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from survey.errors import SurveyError

DEFAULT_TIMEZONE = "Asia/Shanghai"

SITE_KINDS: dict[str, dict[str, str]] = {
    "county_hospital": {"zh": "县级医院", "en": "County hospital"},
    "township_centre": {"zh": "乡镇卫生院", "en": "Township health centre"},
    "community_centre": {"zh": "社区卫生服务中心", "en": "Community health service centre"},
    "community_station": {"zh": "社区卫生服务站", "en": "Community health service station"},
    "village_clinic": {"zh": "村卫生室", "en": "Village clinic"},
    "household": {"zh": "入户（家庭、村组）", "en": "Door to door (households, village groups)"},
}

SOURCES = ("qr", "surveyor", "import")
# When a quiz respondent sees the answer key after submitting (their own score is always shown):
# "after_submit" at once, "after_close" once the campaign has closed (so one screenshot cannot
# spread the key while the quiz runs), "never".
ANSWER_KEY_RULES = ("after_close", "after_submit", "never")
DEFAULT_KEEP_MONTHS = 36
DEFAULT_MAX_VISITS = 3  # AAPOR practice and the national literacy survey: three calls before non-contact
SITE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
SHORT_ID = re.compile(r"^[a-z0-9]{1,4}$")
MAX_NUMBER = 1e10  # a population, weight or quota above this is a typing or unit error


class CampaignError(SurveyError):
    """A campaign or site that cannot be created as given."""


class UnknownCampaign(CampaignError):
    def __init__(self, campaign_id: object) -> None:
        self.campaign_id = campaign_id
        super().__init__(f"no campaign with id {campaign_id!r}")


@dataclass(frozen=True)
class SiteSpec:
    """A site before it is stored. ``quotas`` maps questionnaire id -> target number of responses.

    ``population`` is the site's own (its catchment: the people it serves); ``stratum_population``
    is its stratum's N_h (a plan's ``stratum_size``) and ``stratum_psus`` the PSUs in the stratum's
    frame (a plan's N_h of PSUs, the first-stage fpc). ``household_prob`` is, for a village surveyed
    door to door, the second-stage probability of a household (take / households listed;
    ``python -m sampling households``). ``design_weight`` is the plan's person-level
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
    household_prob: float | None = None  # a door-to-door village: households taken / households listed

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
    if site.household_prob is not None and not 0 < site.household_prob <= 1:
        problems.append(f"household_prob must be in (0, 1], got {site.household_prob!r}")
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
    max_visits: int = DEFAULT_MAX_VISITS  # visits to a household before it counts as not reached

    def __post_init__(self) -> None:
        if self.answer_key not in ANSWER_KEY_RULES:
            raise CampaignError(f"answer_key must be one of {', '.join(ANSWER_KEY_RULES)}, got {self.answer_key!r}")
        if not isinstance(self.keep_months, int) or isinstance(self.keep_months, bool) or not 1 <= self.keep_months <= 600:
            raise CampaignError(f"keep_months must be a whole number of months from 1 to 600, got {self.keep_months!r}")
        if not isinstance(self.max_visits, int) or isinstance(self.max_visits, bool) or not 1 <= self.max_visits <= 10:
            raise CampaignError(f"max_visits must be a whole number from 1 to 10, got {self.max_visits!r}")
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


@dataclass(frozen=True, kw_only=True)
class Campaign(CampaignSpec):
    """A stored campaign: its :class:`CampaignSpec` fields (keywords), database id, times,
    instruments and sites."""

    id: int
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
        reason: ``not_yet_open`` or ``closed`` (the codes of ``survey.campaign.tokens.REASONS``)."""
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
