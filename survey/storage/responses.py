"""The response repository: validated answers stored exactly once per (campaign, nonce).

A nonce is made by the form when it is first shown (e.g. a UUID) and sent with every attempt
to submit it. The insert is ``INSERT ... ON CONFLICT (campaign_id, nonce) DO NOTHING``: a double
tap, a reload or a retry after a dropped connection finds the row already there and the caller
is told it was a repeat (with the id of the stored row), on SQLite and PostgreSQL alike, also
when the two attempts race each other.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey.campaign import SOURCES, Campaign, CampaignError
from survey.errors import SurveyError
from survey.collect.submission import NONCE
from survey.storage.schema import campaign_instruments, campaigns, households, instruments, responses, sites

_CAMPAIGN_FIELDS = ("id", "name", "profile_id", "opens_on", "closes_on", "organizer", "timezone", "demo", "closed_at", "created_at")
IMPORT_PREFIX = "imp-"  # nonces of imported rows (survey.collect.imports); no other source may use it
#: Paradata columns of a response (schema version 6; option_orders version 9; a paper form's number and
#: interview day version 11), as ``Paradata.stored`` returns them.
PARADATA_COLUMNS = ("opened_at", "duration_s", "section_seconds", "resumed", "mode", "surveyor", "device_hash", "option_orders",
                    "paper_number", "interviewed_on")


class SubmitError(SurveyError):
    """A response that cannot be stored; ``reason`` is a code the form can translate.

    Reasons: ``bad_nonce``, ``bad_source``, ``unknown_campaign``, ``unknown_site``,
    ``unknown_instrument``, ``not_yet_open``, ``closed``, ``paper_duplicate`` (a paper form's number
    already stored with another nonce: the same form entered twice).
    ``campaign``: for ``not_yet_open`` and ``closed``, the campaign as stored at the refusal (its
    dates and ``closed_at``, without sites or instruments), for the refusal text's real dates.
    """

    def __init__(self, reason: str, message: str, campaign: Campaign | None = None) -> None:
        self.reason = reason
        self.campaign = campaign
        super().__init__(message)


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a submission. ``repeat``: the nonce was already stored (nothing new
    written); ``same_answers`` then says whether the stored answers equal the ones sent again.
    ``receipt``: the random code shown to the respondent (reveals neither order nor totals)."""

    response_id: int
    repeat: bool
    same_answers: bool = True
    receipt: str = ""


RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read out on the phone
RECEIPT_LENGTH = 10  # 30^10 ~ 2^49: codes of one campaign practically never repeat


def new_receipt() -> str:
    """A random receipt code such as ``7KQ3-XW9M2P`` (not derived from the response id)."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class StoredResponse:
    id: int
    campaign_id: int
    site_code: str
    version_hash: str
    questionnaire_id: str
    nonce: str
    source: str
    answers: Mapping[str, Any]
    scores: Mapping[str, Any]
    language: str | None
    submitted_at: dt.datetime
    simulated: bool
    paradata: Mapping[str, Any] = field(default_factory=dict)  # PARADATA_COLUMNS, None where unknown


def check_submission(nonce: str, source: str) -> None:
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        raise SubmitError("bad_nonce", f"nonce {nonce!r} must be 8-64 letters, digits, '-' or '_'")
    if source not in SOURCES:
        raise SubmitError("bad_source", f"source {source!r} must be one of {list(SOURCES)}")
    if source != "import" and nonce.startswith(IMPORT_PREFIX):
        raise SubmitError("bad_nonce", f"nonce {nonce!r}: the prefix {IMPORT_PREFIX!r} is reserved for imports")


def _check_household(connection: Connection, campaign_id: int, site_id: int, household_id: int) -> None:
    """A household interview: the household is the site's, and it has no interview yet."""
    row = connection.execute(sa.select(households.c.site_id).where(
        households.c.id == household_id, households.c.campaign_id == campaign_id)).first()
    if row is None or int(row.site_id) != site_id:
        raise SubmitError("unknown_household", f"household {household_id} is not a household of this site")
    if connection.execute(sa.select(responses.c.id).where(responses.c.household_id == household_id)).first() is not None:
        raise SubmitError("household_done", f"household {household_id} has its interview already")


def insert_response(
    connection: Connection,
    *,
    campaign_id: int,
    site_code: str,
    version_hash: str,
    nonce: str,
    source: str,
    answers: Mapping[str, Any],
    scores: Mapping[str, Any],
    submitted_at: dt.datetime,
    language: str | None = None,
    simulated: bool = False,
    enforce_window: bool = True,
    paradata: Mapping[str, Any] | None = None,
    household_id: int | None = None,
    memo: dict | None = None,
) -> SubmitResult:
    """Insert one response (answers already validated and scored) inside the caller's transaction.

    ``paradata``: the stored paradata columns (``survey.collect.paradata.Paradata.stored``), or None.
    ``memo``: a dict shared by the inserts of one transaction (a group commit), which then look the
    campaign, site and instrument up once; they cannot change while the transaction holds the write lock.
    """
    check_submission(nonce, source)
    row = campaign_row(connection, campaign_id, memo)
    if row is None:
        raise SubmitError("unknown_campaign", f"no campaign with id {campaign_id!r}")
    existing = _existing(connection, campaign_id, nonce)
    if existing is not None:
        return SubmitResult(existing[0], True, existing[1] == dict(answers), existing[2])
    values = new_row(
        connection, row, campaign_id=campaign_id, site_code=site_code, version_hash=version_hash, nonce=nonce, source=source,
        answers=answers, scores=scores, submitted_at=submitted_at, language=language, simulated=simulated,
        enforce_window=enforce_window, paradata=paradata, household_id=household_id, memo=memo,
    )
    receipt = values["receipt"]
    # one statement per dialect, the values as parameters: no statement built and keyed per call
    new_id = connection.execute(_insert_statement(connection.dialect.name), values).scalar()
    if new_id is not None:
        return SubmitResult(int(new_id), False, True, receipt)
    existing = _existing(connection, campaign_id, nonce)  # a concurrent attempt won the race
    paper_number = (paradata or {}).get("paper_number")
    if existing is None and paper_number is not None:  # ... or one of the same paper form with another nonce
        _check_paper_number(connection, campaign_id, paper_number)
    if existing is None:  # pragma: no cover - the conflicting row must exist once we see the conflict
        raise CampaignError(f"nonce {nonce!r} conflicted but no row was found")
    return SubmitResult(existing[0], True, existing[1] == dict(answers), existing[2])


def new_row(
    connection: Connection,
    row: Mapping[str, Any],
    *,
    campaign_id: int,
    site_code: str,
    version_hash: str,
    nonce: str,
    source: str,
    answers: Mapping[str, Any],
    scores: Mapping[str, Any],
    submitted_at: dt.datetime,
    language: str | None = None,
    simulated: bool = False,
    enforce_window: bool = True,
    paradata: Mapping[str, Any] | None = None,
    household_id: int | None = None,
    memo: dict | None = None,
) -> dict[str, Any]:
    """The column values of a new response of the campaign ``row`` (with a fresh receipt), once its
    site, instrument, window and household pass (else SubmitError)."""
    site_id = _looked_up(memo, ("site", campaign_id, site_code), lambda: connection.execute(
        _statements()["site"], {"campaign_id": campaign_id, "code": site_code}).scalar())
    if site_id is None:
        raise SubmitError("unknown_site", f"campaign {campaign_id} has no site {site_code!r}")
    in_campaign = _looked_up(memo, ("instrument", campaign_id, version_hash), lambda: connection.execute(
        _statements()["instrument"], {"campaign_id": campaign_id, "version_hash": version_hash}).first())
    if in_campaign is None:
        raise SubmitError("unknown_instrument", f"instrument version {version_hash[:12]} is not part of campaign {campaign_id}")
    if enforce_window:
        campaign = Campaign(**{name: row[name] for name in _CAMPAIGN_FIELDS})
        refusal = campaign.accepts(submitted_at)
        if refusal is not None:
            raise SubmitError(refusal, f"campaign {campaign_id} is {refusal.replace('_', ' ')} at {submitted_at.isoformat()}", campaign)
    if household_id is not None:
        _check_household(connection, campaign_id, site_id, household_id)
    paper_number = (paradata or {}).get("paper_number")
    if paper_number is not None:
        _check_paper_number(connection, campaign_id, paper_number)
    return dict(
        campaign_id=campaign_id,
        site_id=site_id,
        version_hash=version_hash,
        nonce=nonce,
        source=source,
        answers=dict(answers),
        scores=dict(scores),
        language=language,
        submitted_at=submitted_at,
        simulated=simulated,
        receipt=new_receipt(),
        household_id=household_id,
        **{k: v for k, v in (paradata or {}).items() if k in PARADATA_COLUMNS},
    )


def campaign_row(connection: Connection, campaign_id: int, memo: dict | None = None) -> Mapping[str, Any] | None:
    """The campaign's stored row (once per ``memo``: a group commit's transaction), or None."""
    return _looked_up(memo, ("campaign", campaign_id), lambda: connection.execute(
        _statements()["campaign"], {"campaign_id": campaign_id}).mappings().first())


@functools.cache
def _statements() -> dict[str, Any]:
    """The look-ups of a submit, built once (their values are parameters): no expression built per call."""
    campaign_id = sa.bindparam("campaign_id")
    return {
        "campaign": sa.select(campaigns).where(campaigns.c.id == campaign_id),
        "site": sa.select(sites.c.id).where(sites.c.campaign_id == campaign_id, sites.c.code == sa.bindparam("code")),
        "instrument": sa.select(campaign_instruments.c.short_id).where(
            campaign_instruments.c.campaign_id == campaign_id, campaign_instruments.c.version_hash == sa.bindparam("version_hash")),
        "existing": sa.select(responses.c.id, responses.c.answers, responses.c.receipt).where(
            responses.c.campaign_id == campaign_id, responses.c.nonce == sa.bindparam("nonce")),
    }


def _check_paper_number(connection: Connection, campaign_id: int, paper_number: str) -> None:
    """A paper form is entered once: its number must not be stored with the campaign yet."""
    stored = connection.execute(sa.select(responses.c.id).where(
        responses.c.campaign_id == campaign_id, responses.c.paper_number == paper_number)).scalar()
    if stored is not None:
        raise SubmitError("paper_duplicate", f"paper form {paper_number!r} is already entered in campaign {campaign_id} "
                                             f"(response {stored}) / 纸质问卷编号 {paper_number} 已录入过")


def _looked_up(memo: dict | None, key: tuple, fetch):  # noqa: ANN001, ANN202
    if memo is None:
        return fetch()
    if key not in memo:
        memo[key] = fetch()
    return memo[key]


@functools.cache
def _insert_statement(dialect_name: str):  # noqa: ANN202
    """``INSERT INTO responses ... ON CONFLICT DO NOTHING RETURNING id``: a nonce or a paper form's
    number already stored (a concurrent attempt) inserts nothing, and the caller looks up which."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(responses).on_conflict_do_nothing().returning(responses.c.id)


def _existing(connection: Connection, campaign_id: int, nonce: str) -> tuple[int, dict[str, Any], str] | None:
    row = connection.execute(_statements()["existing"], {"campaign_id": campaign_id, "nonce": nonce}).first()
    if row is None:
        return None
    receipt = row[2]
    if receipt is None:  # stored before receipt codes existed: give it one now
        receipt = new_receipt()
        connection.execute(responses.update().where(responses.c.id == row[0], responses.c.receipt.is_(None)).values(receipt=receipt))
    return int(row[0]), dict(row[1]), receipt


def select_responses(connection: Connection, campaign_id: int, *, newest: int | None = None) -> list[StoredResponse]:
    """The campaign's responses in the order stored; with ``newest``, only the last ``newest`` of
    them, newest first (one ``ORDER BY id DESC LIMIT`` query on the primary key)."""
    query = (
        sa.select(
            responses.c.id,
            responses.c.campaign_id,
            sites.c.code,
            responses.c.version_hash,
            instruments.c.questionnaire_id,
            responses.c.nonce,
            responses.c.source,
            responses.c.answers,
            responses.c.scores,
            responses.c.language,
            responses.c.submitted_at,
            responses.c.simulated,
            *(responses.c[k] for k in PARADATA_COLUMNS),
        )
        .join(sites, sites.c.id == responses.c.site_id)
        .join(instruments, instruments.c.version_hash == responses.c.version_hash)
        .where(responses.c.campaign_id == campaign_id)
    )
    query = query.order_by(responses.c.id) if newest is None else query.order_by(responses.c.id.desc()).limit(newest)
    return [
        StoredResponse(
            id=int(r[0]),
            campaign_id=r[1],
            site_code=r[2],
            version_hash=r[3],
            questionnaire_id=r[4],
            nonce=r[5],
            source=r[6],
            answers=r[7],
            scores=r[8],
            language=r[9],
            submitted_at=r[10],
            simulated=bool(r[11]),
            paradata=dict(zip(PARADATA_COLUMNS, r[12:])),
        )
        for r in connection.execute(query)
    ]


def nonces_by_id(connection: Connection, campaign_id: int, ids: list[int]) -> dict[int, str]:
    """Response id -> nonce, for the ``ids`` that are responses of the campaign (500 per query)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = sa.select(responses.c.id, responses.c.nonce).where(responses.c.campaign_id == campaign_id, responses.c.id.in_(chunk))
        found.update((int(r[0]), r[1]) for r in connection.execute(query))
    return found


def stored_receipt(connection: Connection, campaign_id: int, nonce: str) -> str | None:
    """The receipt code of the campaign's response of ``nonce`` ("" when it has none yet); None when not stored."""
    row = connection.execute(sa.select(responses.c.receipt).where(
        responses.c.campaign_id == campaign_id, responses.c.nonce == nonce)).first()
    return None if row is None else (row[0] or "")


def paper_number_nonce(connection: Connection, campaign_id: int, paper_number: str) -> str | None:
    """The nonce of the campaign's response entered from paper form ``paper_number``, None when none is."""
    return connection.execute(sa.select(responses.c.nonce).where(
        responses.c.campaign_id == campaign_id, responses.c.paper_number == paper_number)).scalar()


def count_responses(connection: Connection, campaign_id: int) -> dict[tuple[str, str], int]:
    """(site code, questionnaire id) -> number of responses stored."""
    query = (
        sa.select(sites.c.code, instruments.c.questionnaire_id, sa.func.count())
        .select_from(responses)
        .join(sites, sites.c.id == responses.c.site_id)
        .join(instruments, instruments.c.version_hash == responses.c.version_hash)
        .where(responses.c.campaign_id == campaign_id)
        .group_by(sites.c.code, instruments.c.questionnaire_id)
    )
    return {(r[0], r[1]): int(r[2]) for r in connection.execute(query)}


def stored_nonces(connection: Connection, campaign_id: int, nonces: list[str]) -> set[str]:
    """Which of ``nonces`` the campaign already holds (one indexed query per 500)."""
    found: set[str] = set()
    query = sa.select(responses.c.nonce).where(responses.c.campaign_id == sa.bindparam("campaign"),
                                               responses.c.nonce.in_(sa.bindparam("chunk", expanding=True)))
    for start in range(0, len(nonces), 500):  # one statement, compiled once (an import asks for 200,000)
        found.update(r[0] for r in connection.execute(query, {"campaign": campaign_id, "chunk": nonces[start:start + 500]}))
    return found
