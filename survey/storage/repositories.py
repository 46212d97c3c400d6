"""Repositories: functions over one open connection, so a caller can compose them in a transaction.

Each function takes a ``Connection`` already inside a transaction (``Store`` opens them) and
neither commits nor rolls back. Rows come back as the immutable objects of ``survey.campaign``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey.campaign import (
    Campaign,
    CampaignError,
    CampaignInstrument,
    CampaignSpec,
    Site,
    SiteSpec,
    UnknownCampaign,
    short_ids,
)
from survey.storage.schema import campaign_instruments, campaigns, instruments, responses, sites

if TYPE_CHECKING:
    from survey.questionnaire import Questionnaire


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ------------------------------------------------------------------------------- instruments


def register_instrument(connection: Connection, questionnaire: Questionnaire) -> str:
    """Store the questionnaire's canonical JSON once per version hash; return the hash."""
    version_hash = questionnaire.version_hash
    exists = connection.execute(
        sa.select(instruments.c.version_hash).where(instruments.c.version_hash == version_hash)
    ).first()
    if exists is None:
        values = {
            "version_hash": version_hash,
            "questionnaire_id": questionnaire.id,
            "version": str(questionnaire.version),
            "title": dict(questionnaire.title),
            "canonical_json": questionnaire.canonical_json(),
            "registered_at": _now(),
        }
        connection.execute(_insert_ignore(connection, instruments, ["version_hash"]).values(**values))
    return version_hash


def instrument_document(connection: Connection, version_hash: str) -> dict[str, Any] | None:
    """The canonical JSON (parsed) of one instrument version, or None."""
    text = connection.execute(
        sa.select(instruments.c.canonical_json).where(instruments.c.version_hash == version_hash)
    ).scalar()
    return None if text is None else json.loads(text)


def _insert_ignore(connection: Connection, table: sa.Table, keys: list[str]) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=keys)


# --------------------------------------------------------------------------------- campaigns


def insert_campaign(
    connection: Connection,
    spec: CampaignSpec,
    questionnaires: Sequence[Questionnaire],
    site_specs: Sequence[SiteSpec],
) -> int:
    if not questionnaires:
        raise CampaignError("a campaign needs at least one instrument")
    ids = [q.id for q in questionnaires]
    if len(set(ids)) != len(ids):
        raise CampaignError(f"an instrument appears twice among {ids}")
    for questionnaire in questionnaires:
        if questionnaire.jurisdiction and questionnaire.jurisdiction != spec.profile_id:
            raise CampaignError(
                f"instrument {questionnaire.id!r} is keyed for profile {questionnaire.jurisdiction!r} "
                f"(its local targets), not for the campaign's profile {spec.profile_id!r}: choose the "
                f"instrument of profile {spec.profile_id!r} or one without local targets"
            )
    campaign_id = connection.execute(
        sa.insert(campaigns)
        .values(
            name=spec.name,
            profile_id=spec.profile_id,
            organizer=spec.organizer,
            opens_on=spec.opens_on,
            closes_on=spec.closes_on,
            timezone=spec.timezone,
            created_at=_now(),
            demo=spec.demo,
            contact_phone=spec.contact_phone,
            answer_key=spec.answer_key,
            keep_months=spec.keep_months,
            max_visits=spec.max_visits,
        )
        .returning(campaigns.c.id)
    ).scalar_one()
    for position, (questionnaire, short_id) in enumerate(zip(questionnaires, short_ids(ids))):
        version_hash = register_instrument(connection, questionnaire)
        connection.execute(
            sa.insert(campaign_instruments).values(
                campaign_id=campaign_id, short_id=short_id, version_hash=version_hash, position=position
            )
        )
    insert_sites(connection, campaign_id, site_specs)
    return campaign_id


def insert_sites(connection: Connection, campaign_id: int, site_specs: Sequence[SiteSpec]) -> list[int]:
    """Add sites to a campaign; a code already used in the campaign is an error."""
    instrument_ids = [
        row.questionnaire_id
        for row in connection.execute(
            sa.select(instruments.c.questionnaire_id)
            .join(campaign_instruments, campaign_instruments.c.version_hash == instruments.c.version_hash)
            .where(campaign_instruments.c.campaign_id == campaign_id)
        )
    ]
    existing: set[str] = set()
    stratum_population: dict[str, float] = {}  # one N_h per stratum, whichever site gives it
    for code, stratum, extra in connection.execute(
        sa.select(sites.c.code, sites.c.stratum, sites.c.extra).where(sites.c.campaign_id == campaign_id)
    ):
        existing.add(code)
        value = _number((extra or {}).get("stratum_population"))
        if value is not None:
            stratum_population[stratum] = value
    rows = []
    for spec in site_specs:
        if spec.stratum_population is not None:
            known = stratum_population.setdefault(spec.stratum, float(spec.stratum_population))
            if known != float(spec.stratum_population):
                raise CampaignError(
                    f"site {spec.code!r}: stratum {spec.stratum!r} has population {known:g} by another site, "
                    f"not {spec.stratum_population:g}"
                )
        if spec.code in existing:
            raise CampaignError(f"site code {spec.code!r} is already used in campaign {campaign_id}")
        existing.add(spec.code)
        quotas = dict(spec.quotas)
        if "*" in quotas:  # one quota for every instrument (a frame's plain quota column)
            every = quotas.pop("*")
            quotas = {qid: quotas.get(qid, every) for qid in instrument_ids}
        unknown = sorted(set(quotas) - set(instrument_ids))
        if unknown:
            raise CampaignError(f"site {spec.code!r}: quota for {unknown}, but the campaign's instruments are {instrument_ids}")
        rows.append(
            {
                "campaign_id": campaign_id,
                "code": spec.code,
                "name": spec.name,
                "stratum": spec.stratum,
                "psu": spec.psu or spec.code,
                "kind": spec.kind,
                "quotas": quotas,
                "population": spec.population,
                "inclusion_prob": spec.inclusion_prob,
                "weight": spec.design_weight,
                "extra": _extra(spec),
            }
        )
    if not rows:
        return []
    return list(connection.execute(sa.insert(sites).returning(sites.c.id, sort_by_parameter_order=True), rows).scalars())


_INSTRUMENT_FACTS: dict[str, tuple[int | None, str]] = {}  # version hash -> (minutes, audience); immutable


def _instrument_facts(version_hash: str, canonical_json: str) -> tuple[int | None, str]:
    facts = _INSTRUMENT_FACTS.get(version_hash)
    if facts is None:
        document = json.loads(canonical_json)
        facts = (document.get("estimated_minutes"), document.get("audience", "residents"))
        _INSTRUMENT_FACTS[version_hash] = facts
    return facts


def load_campaign(connection: Connection, campaign_id: int) -> Campaign | None:
    found = load_campaigns(connection, [campaign_id])
    return found[0] if found else None


def load_campaigns(connection: Connection, campaign_ids: Sequence[int] | None = None) -> list[Campaign]:
    """The campaigns (all, or those of ``campaign_ids``) in id order with their instruments and
    sites: three queries however many campaigns there are."""
    where = (lambda column: column.in_(list(campaign_ids))) if campaign_ids is not None else (lambda column: sa.true())
    rows = connection.execute(sa.select(campaigns).where(where(campaigns.c.id)).order_by(campaigns.c.id)).mappings().all()
    if not rows:
        return []
    instrument_rows = connection.execute(
        sa.select(campaign_instruments.c.campaign_id, campaign_instruments.c.short_id, instruments.c.questionnaire_id,
                  instruments.c.version_hash, instruments.c.title)
        .join(instruments, instruments.c.version_hash == campaign_instruments.c.version_hash)
        .where(where(campaign_instruments.c.campaign_id))
        .order_by(campaign_instruments.c.campaign_id, campaign_instruments.c.position)
    ).mappings().all()
    by_campaign: dict[int, list[CampaignInstrument]] = {}
    for r in instrument_rows:
        if r["version_hash"] not in _INSTRUMENT_FACTS:
            text = connection.execute(
                sa.select(instruments.c.canonical_json).where(instruments.c.version_hash == r["version_hash"])
            ).scalar_one()
            _instrument_facts(r["version_hash"], text)
        minutes, audience = _INSTRUMENT_FACTS[r["version_hash"]]
        by_campaign.setdefault(r["campaign_id"], []).append(
            CampaignInstrument(
                short_id=r["short_id"],
                questionnaire_id=r["questionnaire_id"],
                version_hash=r["version_hash"],
                title=dict(r["title"]),
                estimated_minutes=minutes,
                audience=audience,
            )
        )
    sites_of: dict[int, list[Site]] = {}
    for r in connection.execute(sa.select(sites).where(where(sites.c.campaign_id)).order_by(sites.c.id)).mappings():
        sites_of.setdefault(r["campaign_id"], []).append(_site(r))
    return [
        Campaign(
            id=row["id"],
            name=row["name"],
            profile_id=row["profile_id"],
            opens_on=row["opens_on"],
            closes_on=row["closes_on"],
            organizer=row["organizer"],
            timezone=row["timezone"],
            demo=bool(row["demo"]),
            contact_phone=row["contact_phone"],
            answer_key=row["answer_key"],
            keep_months=int(row["keep_months"]),
            max_visits=int(row["max_visits"]),
            closed_at=row["closed_at"],
            created_at=row["created_at"],
            instruments=tuple(by_campaign.get(row["id"], ())),
            sites=tuple(sites_of.get(row["id"], ())),
        )
        for row in rows
    ]


# Site fields kept in the ``extra`` JSON column (no schema change): key -> SiteSpec attribute.
EXTRA_FIELDS = ("stratum_population", "stratum_psus", "household_prob")


def _extra(spec: SiteSpec) -> dict[str, Any]:
    extra = dict(spec.extra)
    for name in EXTRA_FIELDS:
        value = getattr(spec, name)
        if value is not None:
            extra[name] = float(value)
    return extra


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _site(row: Mapping[str, Any]) -> Site:
    extra = dict(row["extra"] or {})
    return Site(
        id=row["id"],
        campaign_id=row["campaign_id"],
        code=row["code"],
        name=row["name"],
        stratum=row["stratum"],
        psu=row["psu"],
        kind=row["kind"],
        quotas=dict(row["quotas"] or {}),
        population=row["population"],
        inclusion_prob=row["inclusion_prob"],
        design_weight=row["weight"],
        extra=extra,
        stratum_population=_number(extra.get("stratum_population")),
        stratum_psus=_number(extra.get("stratum_psus")),
        household_prob=_number(extra.get("household_prob")),
    )


def set_closed(connection: Connection, campaign_id: int, at: dt.datetime | None) -> None:
    result = connection.execute(sa.update(campaigns).where(campaigns.c.id == campaign_id).values(closed_at=at))
    if result.rowcount == 0:
        raise UnknownCampaign(campaign_id)


def delete_site(connection: Connection, campaign_id: int, code: str) -> None:
    site_id = connection.execute(
        sa.select(sites.c.id).where(sites.c.campaign_id == campaign_id, sites.c.code == code)
    ).scalar()
    if site_id is None:
        raise CampaignError(f"campaign {campaign_id} has no site {code!r}")
    count = connection.execute(sa.select(sa.func.count()).select_from(responses).where(responses.c.site_id == site_id)).scalar_one()
    if count:
        raise CampaignError(f"site {code!r} has {count} responses and cannot be removed")
    connection.execute(sa.delete(sites).where(sites.c.id == site_id))


def update_site(connection: Connection, campaign_id: int, code: str, *, name: str, quotas: Mapping[str, int]) -> None:
    """Set a stored site's name and quotas (already checked by the caller)."""
    result = connection.execute(
        sa.update(sites).where(sites.c.campaign_id == campaign_id, sites.c.code == code).values(name=name, quotas=dict(quotas))
    )
    if result.rowcount == 0:
        raise CampaignError(f"campaign {campaign_id} has no site {code!r}")
