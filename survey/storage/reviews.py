"""Review decisions on flagged responses and quality-flag parameters, each with its audit row.

A decision (``approved``: the response counts; ``excluded``: the analysis leaves it out) is one
row per response in ``reviews``, replaced when an evaluator changes their mind and removed when
the response is reopened. The response row itself is never changed or deleted. Every decision,
reopening and change of the campaign's quality parameters appends one row to ``audit_log``
(who, when, what, why) in the same transaction, so the log and the decisions cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey.errors import SurveyError
from survey.storage import audit
from survey.storage.engine import StorageError
from survey.storage.schema import campaigns, responses, reviews

DECISIONS = ("approved", "excluded")
MAX_REASON = 1000


class ReviewError(SurveyError):
    """A review action that cannot be recorded as given (unknown response, empty reason, ...)."""


@dataclass(frozen=True)
class Review:
    response_id: int
    campaign_id: int
    decision: str
    reason: str
    decided_by: str
    decided_at: dt.datetime
    flags: tuple[str, ...]


def _check_actor_reason(actor: str, reason: str | None, *, reason_required: bool = True) -> None:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > 64:
        raise ReviewError(f"the user recorded with a review must be an account name, got {actor!r}")
    if reason_required and (not isinstance(reason, str) or not reason.strip()):
        raise ReviewError("a review needs a reason (it goes into the audit log)")
    if reason is not None and len(reason) > MAX_REASON:
        raise ReviewError(f"the reason is longer than {MAX_REASON} characters")


def _response_campaign(connection: Connection, response_id: int) -> int | None:
    return connection.execute(sa.select(responses.c.campaign_id).where(responses.c.id == response_id)).scalar()


def _current(connection: Connection, response_id: int) -> str | None:
    return connection.execute(sa.select(reviews.c.decision).where(reviews.c.response_id == response_id)).scalar()


def record_decision(
    connection: Connection,
    *,
    campaign_id: int,
    response_ids: Sequence[int],
    decision: str,
    reason: str,
    actor: str,
    flags: Mapping[int, Sequence[str]],
    at: dt.datetime,
) -> list[int]:
    """Approve or exclude responses of a campaign; one audit row each; return their audit ids."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision {decision!r} must be one of {', '.join(DECISIONS)}")
    _check_actor_reason(actor, reason)
    reason = reason.strip()
    audit_ids = []
    for response_id in response_ids:
        owner = _response_campaign(connection, int(response_id))
        if owner != campaign_id:
            raise ReviewError(f"campaign {campaign_id} has no response {response_id}")
        previous = _current(connection, int(response_id))
        reasons = list(flags.get(int(response_id), ()))
        values = dict(campaign_id=campaign_id, decision=decision, reason=reason, decided_by=actor, decided_at=at, flags=reasons)
        if previous is None:
            connection.execute(sa.insert(reviews).values(response_id=int(response_id), **values))
        else:
            connection.execute(sa.update(reviews).where(reviews.c.response_id == int(response_id)).values(**values))
        audit_ids.append(audit.append(
            connection, actor=actor, action=f"review.{decision}", at=at, campaign_id=campaign_id,
            response_id=int(response_id), reason=reason,
            detail={"decision": decision, "previous": previous, "flags": reasons},
        ))
    return audit_ids


def clear_decision(
    connection: Connection, *, campaign_id: int, response_id: int, reason: str, actor: str, at: dt.datetime
) -> int | None:
    """Reopen a reviewed response (its flags count as open again); the audit id, None if not reviewed."""
    _check_actor_reason(actor, reason)
    if _response_campaign(connection, response_id) != campaign_id:
        raise ReviewError(f"campaign {campaign_id} has no response {response_id}")
    previous = _current(connection, response_id)
    if previous is None:
        return None
    connection.execute(sa.delete(reviews).where(reviews.c.response_id == response_id))
    return audit.append(connection, actor=actor, action="review.reopen", at=at, campaign_id=campaign_id,
                        response_id=response_id, reason=reason.strip(), detail={"decision": None, "previous": previous})


def select_reviews(connection: Connection, campaign_id: int) -> list[Review]:
    query = sa.select(reviews).where(reviews.c.campaign_id == campaign_id).order_by(reviews.c.response_id)
    return [
        Review(int(r.response_id), r.campaign_id, r.decision, r.reason, r.decided_by, r.decided_at, tuple(r.flags or ()))
        for r in connection.execute(query)
    ]


def quality_parameters(connection: Connection, campaign_id: int) -> dict[str, Any]:
    """The campaign's own quality-flag parameters (``{}`` when it uses the profile's or defaults)."""
    value = connection.execute(sa.select(campaigns.c.quality).where(campaigns.c.id == campaign_id)).first()
    if value is None:
        from survey.campaign import UnknownCampaign

        raise UnknownCampaign(campaign_id)
    return dict(value[0] or {})


def set_quality_parameters(
    connection: Connection, *, campaign_id: int, parameters: Mapping[str, Any], actor: str, reason: str | None,
    at: dt.datetime,
) -> int:
    """Replace the campaign's quality parameters; the audit row keeps the old and the new ones."""
    _check_actor_reason(actor, reason, reason_required=False)
    try:
        json.dumps(dict(parameters), allow_nan=False, default=str)
    except ValueError:
        raise StorageError("quality parameters must be finite numbers (not inf or NaN; 1e309 is inf)") from None
    previous = quality_parameters(connection, campaign_id)
    new = {str(k): dict(v) if isinstance(v, Mapping) else v for k, v in parameters.items()}
    connection.execute(sa.update(campaigns).where(campaigns.c.id == campaign_id).values(quality=new or None))
    return audit.append(connection, actor=actor, action="quality.parameters", at=at, campaign_id=campaign_id,
                        reason=reason, detail={"previous": previous, "new": new})
