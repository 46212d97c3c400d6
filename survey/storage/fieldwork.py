"""Door-to-door fieldwork in the store: households, their assignment, roster and visits.

:class:`Fieldwork` is the part of ``Store`` that writes and reads them (mixed into
:class:`survey.storage.Store`, which provides ``write()``, ``read()`` and ``campaign()``). Every
write is one transaction with its audit row; a visit is stored once per ``(campaign, nonce)``, so
a phone that syncs the same visit twice stores it once. A household's final disposition is
recomputed from all its visits with AAPOR's precedence (``survey.collect.dispositions``) whenever
a visit is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey.campaign import CampaignError, UnknownCampaign
from survey.collect.dispositions import final_disposition, parse_disposition
from survey.collect.households import Household, HouseholdError, HouseholdSpec, LoggedVisit, Visit, check_roster
from survey.collect.submission import NONCE
from survey.storage import audit
from survey.storage.schema import campaigns, households, responses, sites, visits

if TYPE_CHECKING:
    import pandas

VISIT_SOURCES = ("field", "import")


@dataclass(frozen=True)
class VisitResult:
    """A stored visit: its id, and whether this nonce was stored before (nothing written again)."""

    id: int
    repeat: bool


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _site_ids(connection: Connection, campaign_id: int) -> dict[str, int]:
    rows = connection.execute(sa.select(sites.c.code, sites.c.id).where(sites.c.campaign_id == campaign_id))
    return {code: int(site_id) for code, site_id in rows}


def _max_visits(connection: Connection, campaign_id: int) -> int:
    value = connection.execute(sa.select(campaigns.c.max_visits).where(campaigns.c.id == campaign_id)).scalar()
    if value is None:
        raise UnknownCampaign(campaign_id)
    return int(value)


def _select_households(campaign_id: int) -> sa.Select:
    interview = (
        sa.select(sa.func.min(responses.c.id)).where(responses.c.household_id == households.c.id).scalar_subquery()
    )
    return (
        sa.select(households, sites.c.code.label("site_code"), interview.label("response_id"))
        .join(sites, sites.c.id == households.c.site_id)
        .where(households.c.campaign_id == campaign_id)
        .order_by(sites.c.code, households.c.code)
    )


def _household(row: Mapping[str, Any]) -> Household:
    roster = row["roster"]
    return Household(
        site_code=row["site_code"], code=row["code"], address=row["address"] or "", id=int(row["id"]),
        campaign_id=int(row["campaign_id"]), assigned_to=row["assigned_to"],
        roster=None if roster is None else tuple((str(s), int(a)) for s, a in roster),
        selected=row["selected"], disposition=row["disposition"], visits=int(row["visits"]),
        response_id=None if row["response_id"] is None else int(row["response_id"]),
    )


def _insert_household(connection: Connection, campaign_id: int, site_id: int, spec: HouseholdSpec,
                      assigned_to: str | None) -> int:
    now = _now()
    return int(connection.execute(
        sa.insert(households).values(campaign_id=campaign_id, site_id=site_id, code=spec.code, address=spec.address,
                                     assigned_to=assigned_to, created_at=now, updated_at=now)
        .returning(households.c.id)
    ).scalar_one())


def _insert_visit(connection: Connection, campaign_id: int, household_id: int, *, visited_at: dt.datetime,
                  disposition: str, surveyor: str, nonce: str, source: str, max_visits: int) -> VisitResult:
    """Insert one visit and refresh the household's final disposition (inside the caller's transaction)."""
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        raise HouseholdError(f"visit nonce {nonce!r} must be 8-64 letters, digits, '-' or '_'")
    if visited_at.tzinfo is None:
        raise HouseholdError("visited_at must be timezone-aware")
    code = parse_disposition(disposition)
    existing = connection.execute(
        sa.select(visits.c.id, visits.c.household_id).where(visits.c.campaign_id == campaign_id, visits.c.nonce == nonce)
    ).first()
    if existing is not None:
        if int(existing.household_id) != household_id:
            raise HouseholdError(f"visit nonce {nonce} was stored for another household")
        return VisitResult(int(existing.id), True)
    done = [r[0] for r in connection.execute(
        sa.select(visits.c.disposition).where(visits.c.household_id == household_id).order_by(visits.c.visited_at, visits.c.id)
    )]
    if len(done) >= max_visits:
        raise HouseholdError(f"household {household_id} has had its {max_visits} visits")
    visit_id = int(connection.execute(
        sa.insert(visits).values(campaign_id=campaign_id, household_id=household_id, visited_at=visited_at,
                                 disposition=code, surveyor=surveyor, nonce=nonce, source=source, recorded_at=_now())
        .returning(visits.c.id)
    ).scalar_one())
    ordered = [r[0] for r in connection.execute(
        sa.select(visits.c.disposition).where(visits.c.household_id == household_id).order_by(visits.c.visited_at, visits.c.id)
    )]
    connection.execute(sa.update(households).where(households.c.id == household_id).values(
        disposition=final_disposition(ordered), visits=len(ordered), updated_at=_now()))
    return VisitResult(visit_id, False)


class Fieldwork:
    """``Store``'s households, rosters and visits (see the module docstring)."""

    def assign_households(
        self, campaign_id: int, specs: Sequence[HouseholdSpec], *, surveyor: str | None, actor: str
    ) -> list[Household]:
        """Add households to their sites and assign them to ``surveyor`` (None: unassigned), all or
        none; households already there are reassigned. One ``household.assigned`` audit row."""
        created = reassigned = 0
        with self.write() as connection:  # type: ignore[attr-defined]
            site_ids = _site_ids(connection, campaign_id)
            if not site_ids and connection.execute(sa.select(campaigns.c.id).where(campaigns.c.id == campaign_id)).first() is None:
                raise UnknownCampaign(campaign_id)
            for spec in specs:
                site_id = site_ids.get(spec.site_code)
                if site_id is None:
                    raise CampaignError(f"campaign {campaign_id} has no site {spec.site_code!r} (household {spec.code})")
                found = connection.execute(sa.select(households.c.id).where(
                    households.c.site_id == site_id, households.c.code == spec.code)).scalar()
                if found is None:
                    _insert_household(connection, campaign_id, site_id, spec, surveyor)
                    created += 1
                else:
                    connection.execute(sa.update(households).where(households.c.id == found).values(
                        assigned_to=surveyor, updated_at=_now()))
                    reassigned += 1
            audit.append(connection, actor=actor, action="household.assigned", campaign_id=campaign_id, detail={
                "surveyor": surveyor, "created": created, "reassigned": reassigned,
                "households": [f"{s.site_code}/{s.code}" for s in specs][:500]})
        return self.households(campaign_id, assigned_to=surveyor) if surveyor else self.households(campaign_id)

    def households(self, campaign_id: int, *, site_code: str | None = None, assigned_to: str | None = None) -> list[Household]:
        """The campaign's households (of one site, or one surveyor), by site and code."""
        query = _select_households(campaign_id)
        if site_code is not None:
            query = query.where(sites.c.code == site_code)
        if assigned_to is not None:
            query = query.where(households.c.assigned_to == assigned_to)
        with self.read() as connection:  # type: ignore[attr-defined]
            return [_household(r) for r in connection.execute(query).mappings()]

    def household(self, campaign_id: int, household_id: int) -> Household | None:
        with self.read() as connection:  # type: ignore[attr-defined]
            row = connection.execute(_select_households(campaign_id).where(households.c.id == household_id)).mappings().first()
        return None if row is None else _household(row)

    def record_roster(
        self, campaign_id: int, household_id: int, roster: Sequence[Sequence[object]], selected: int, *, actor: str
    ) -> Household:
        """Store the eligible members and the member chosen (``sampling.select_member``'s index);
        refused once the household's interview is stored. One ``household.roster`` audit row."""
        members = check_roster(roster)
        if members and not (isinstance(selected, int) and 0 <= selected < len(members)):
            raise HouseholdError(f"selected member {selected!r} is not one of the {len(members)} listed")
        with self.write() as connection:  # type: ignore[attr-defined]
            row = connection.execute(_select_households(campaign_id).where(households.c.id == household_id)).mappings().first()
            if row is None:
                raise HouseholdError(f"campaign {campaign_id} has no household {household_id}")
            if row["response_id"] is not None:
                raise HouseholdError(f"household {row['code']}: its interview is stored, the roster can no longer change")
            connection.execute(sa.update(households).where(households.c.id == household_id).values(
                roster=[list(m) for m in members], selected=selected if members else None, eligible=len(members),
                updated_at=_now()))
            audit.append(connection, actor=actor, action="household.roster", campaign_id=campaign_id, detail={
                "household": f"{row['site_code']}/{row['code']}", "eligible": len(members),
                "selected": selected if members else None, "previous_eligible": len(row["roster"] or ())})
        household = self.household(campaign_id, household_id)
        assert household is not None
        return household

    def record_visit(
        self, campaign_id: int, household_id: int, *, visited_at: dt.datetime, disposition: str, nonce: str, actor: str
    ) -> VisitResult:
        """Store one visit of a surveyor's phone, once per nonce (a repeat writes nothing); one
        ``visit.recorded`` audit row. Refused past the campaign's ``max_visits``."""
        with self.write() as connection:  # type: ignore[attr-defined]
            row = connection.execute(sa.select(households.c.code).where(
                households.c.id == household_id, households.c.campaign_id == campaign_id)).first()
            if row is None:
                raise HouseholdError(f"campaign {campaign_id} has no household {household_id}")
            result = _insert_visit(connection, campaign_id, household_id, visited_at=visited_at, disposition=disposition,
                                   surveyor=audit.check_actor(actor), nonce=nonce, source="field",
                                   max_visits=_max_visits(connection, campaign_id))
            if not result.repeat:
                audit.append(connection, actor=actor, action="visit.recorded", campaign_id=campaign_id, detail={
                    "household_id": household_id, "household": row.code, "disposition": parse_disposition(disposition),
                    "visited_at": visited_at.isoformat()})
        return result

    def import_visits(self, campaign_id: int, rows: Sequence[LoggedVisit], *, actor: str, batch: Mapping[str, Any]) -> dict[str, int]:
        """Store a paper visit log, all or nothing: households not there yet are added to their
        site (unassigned); rows already stored (same nonce) are not written again. One
        ``visit.import`` audit row with the file's facts and the counts."""
        counts = {"visits": 0, "repeats": 0, "households_added": 0}
        with self.write() as connection:  # type: ignore[attr-defined]
            max_visits = _max_visits(connection, campaign_id)
            site_ids = _site_ids(connection, campaign_id)
            for position, row in enumerate(rows, start=1):
                site_id = site_ids.get(row.site_code)
                if site_id is None:
                    raise HouseholdError(f"row {position}: campaign {campaign_id} has no site {row.site_code!r}")
                household_id = connection.execute(sa.select(households.c.id).where(
                    households.c.site_id == site_id, households.c.code == row.household)).scalar()
                if household_id is None:
                    household_id = _insert_household(connection, campaign_id, site_id, HouseholdSpec(row.site_code, row.household), None)
                    counts["households_added"] += 1
                try:
                    result = _insert_visit(connection, campaign_id, int(household_id), visited_at=row.visited_at,
                                           disposition=row.disposition, surveyor=row.surveyor or actor, nonce=row.nonce,
                                           source="import", max_visits=max_visits)
                except HouseholdError as exc:
                    raise HouseholdError(f"row {position}: {exc}") from None
                counts["repeats" if result.repeat else "visits"] += 1
            audit.append(connection, actor=actor, action="visit.import", campaign_id=campaign_id,
                         detail={**dict(batch), **counts})
        return counts

    def visit_log(self, campaign_id: int, household_id: int | None = None) -> list[Visit]:
        """Visits in the order they happened (of one household, or all)."""
        query = sa.select(visits).where(visits.c.campaign_id == campaign_id).order_by(visits.c.visited_at, visits.c.id)
        if household_id is not None:
            query = query.where(visits.c.household_id == household_id)
        with self.read() as connection:  # type: ignore[attr-defined]
            return [Visit(int(r.id), int(r.household_id), r.visited_at, r.disposition, r.surveyor, r.source)
                    for r in connection.execute(query)]

    def household_frame(self, campaign_id: int) -> pandas.DataFrame:
        """One row per household: ``household_id``, ``site``, ``stratum``, ``psu``, ``assigned_to``,
        ``visits``, ``disposition`` (final AAPOR code, None when never visited), ``eligible``
        (members listed), ``selected`` and ``response_id`` (the interview). For response rates
        and the within-household weight factor."""
        import pandas as pd

        campaign = self.campaign(campaign_id)  # type: ignore[attr-defined]
        by_code = {s.code: s for s in campaign.sites}
        rows = self.households(campaign_id)
        return pd.DataFrame({
            "household_id": pd.array([h.id for h in rows], dtype="int64"),
            "site": [h.site_code for h in rows],
            "stratum": [by_code[h.site_code].stratum for h in rows],
            "psu": [by_code[h.site_code].psu for h in rows],
            "household": [h.code for h in rows],
            "assigned_to": [h.assigned_to for h in rows],
            "visits": pd.array([h.visits for h in rows], dtype="int64"),
            "disposition": [h.disposition for h in rows],
            "eligible": pd.array([len(h.roster) if h.roster is not None else None for h in rows], dtype="Int64"),
            "selected": pd.array([h.selected for h in rows], dtype="Int64"),
            "response_id": pd.array([h.response_id for h in rows], dtype="Int64"),
        })
