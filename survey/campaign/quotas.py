"""Quotas for every chosen instrument, from a site list that declares quotas for some only.

A site list (the demo frame, a plan file) declares quotas per questionnaire id, e.g.
``{"resident": 30, "staff_policy": 8}``. A campaign may choose other instruments of the same
audience: the profile's own staff quiz (``staff_policy_liunan``) or the literacy survey. Each
chosen instrument then takes, at each site that suits its audience, the quota declared there
for an instrument of the same audience (staff quizzes at clinics; residents' surveys anywhere).
Quotas for instruments not chosen are dropped. An instrument that still has no quota anywhere
gets no poster (:func:`survey.campaign.posters.poster_items`): :func:`fit_quotas` names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from survey.campaign.model import SITE_KINDS, SiteSpec

# Where each audience is met: staff quizzes at health institutions, residents everywhere.
SUITABLE_KINDS: dict[str, frozenset[str]] = {
    "staff": frozenset(k for k in SITE_KINDS if k != "household"),
    "residents": frozenset(SITE_KINDS),
}


class Instrument(Protocol):
    id: str
    audience: str


@dataclass(frozen=True)
class QuotaGap:
    """A chosen instrument that no site has a quota for (so it gets no poster).

    ``reason``: ``no_suitable_site`` (no site of a kind its audience is met at) or
    ``no_declared_quota`` (no site declares a quota for it or for an instrument of its audience)."""

    questionnaire_id: str
    reason: str


@dataclass(frozen=True)
class QuotaFit:
    sites: tuple[SiteSpec, ...]
    gaps: tuple[QuotaGap, ...]
    # questionnaire id -> (sites with a quota, sum of quotas (people))
    totals: Mapping[str, tuple[int, int]]


def fit_quotas(
    sites: Sequence[SiteSpec], instruments: Sequence[Instrument], audiences: Mapping[str, str] | None = None
) -> QuotaFit:
    """Give every chosen instrument a quota at every suitable site (see the module's docstring).

    ``audiences``: questionnaire id -> audience (``staff`` / ``residents``) of the ids the site
    list may declare besides the chosen ones (e.g. every shipped questionnaire). A site with no
    quotas at all, or a ``*`` quota (one for every instrument), is kept as it is.
    """
    known = dict(audiences or {})
    known.update({q.id: q.audience for q in instruments})
    chosen = {q.id for q in instruments}
    out = []
    for site in sites:
        declared = dict(site.quotas)
        if not declared or "*" in declared:
            out.append(site)
            continue
        quotas: dict[str, int] = {}
        for q in instruments:
            if q.id in declared:
                quotas[q.id] = declared[q.id]
            elif site.kind in SUITABLE_KINDS.get(q.audience, frozenset(SITE_KINDS)):
                stand_in = next((v for k, v in declared.items() if known.get(k) == q.audience and v), None)
                if stand_in is not None:
                    quotas[q.id] = int(stand_in)
        out.append(replace(site, quotas={k: v for k, v in quotas.items() if k in chosen}))
    totals: dict[str, tuple[int, int]] = {}
    gaps = []
    for q in instruments:
        counted = [s for s in out if not s.quotas or s.quota(q.id) > 0]
        totals[q.id] = (len(counted), sum(s.quota(q.id) for s in counted))
        if out and not counted:
            suitable = any(s.kind in SUITABLE_KINDS.get(q.audience, frozenset(SITE_KINDS)) for s in out)
            gaps.append(QuotaGap(q.id, "no_declared_quota" if suitable else "no_suitable_site"))
    return QuotaFit(tuple(out), tuple(gaps), totals)
