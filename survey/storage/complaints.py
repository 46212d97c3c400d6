"""Complaints and suggestions in the store: the office's handling of them, and a reply number.

:class:`Complaints` is the part of ``Store`` that reads and writes them (mixed into
:class:`survey.storage.Store`, which provides ``write()``, ``read()`` and ``questionnaire()``).

A complaint or suggestion is a response whose feedback answer is not empty
(``survey.collect.complaints.feedback_text``); its text stays in the answers. The ``complaints``
table holds what is *not* an answer: the phone number the respondent left for a reply (only after
its own consent) and the office's handling (status, who, when, a note). A row is made when the
first of these arrives. Every change of status writes one audit row (``complaint.handled`` or
``complaint.reopened``) in the same transaction; the audit row never carries the phone number
(numbers typed into the note are masked there). No export, report, response frame or bundle reads
this table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey.collect.complaints import STATUSES, ComplaintError, check_note, feedback_text, mask_phones, parse_phone
from survey.storage import audit
from survey.storage.schema import complaints, responses, sites


@dataclass(frozen=True)
class Complaint:
    """One complaint or suggestion as the office sees it. ``phone``: None when none was left."""

    response_id: int
    campaign_id: int
    site_code: str
    site_name: str
    submitted_at: dt.datetime
    text: str
    phone: str | None
    status: str
    handled_by: str | None
    handled_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class ReplyNumber:
    """The response a reply number was left for: its id and the receipt code the respondent saw."""

    response_id: int
    receipt: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _row(connection: Connection, response_id: int):  # noqa: ANN202
    return connection.execute(sa.select(complaints).where(complaints.c.response_id == response_id)).mappings().first()


class Complaints:
    """``Store.complaints``, ``Store.leave_reply_number`` and ``Store.set_complaint_status``."""

    def complaints(self, campaign_id: int) -> list[Complaint]:
        """Every response of the campaign with a complaint or suggestion, newest first, with its handling."""
        query = (
            sa.select(responses.c.id, responses.c.version_hash, responses.c.answers, responses.c.submitted_at,
                      sites.c.code, sites.c.name, complaints.c.phone, complaints.c.status, complaints.c.handled_by,
                      complaints.c.handled_at, complaints.c.note)
            .join(sites, sites.c.id == responses.c.site_id)
            .outerjoin(complaints, complaints.c.response_id == responses.c.id)
            .where(responses.c.campaign_id == campaign_id)
            .order_by(responses.c.submitted_at.desc(), responses.c.id.desc())
        )
        with self.read() as connection:
            rows = connection.execute(query).all()
        out = []
        for r in rows:
            text = feedback_text(self.questionnaire(r.version_hash), r.answers or {})
            if not text:
                continue
            out.append(Complaint(int(r.id), campaign_id, r.code, r.name, r.submitted_at, text, r.phone,
                                 r.status or "open", r.handled_by, r.handled_at, r.note or ""))
        return out

    def leave_reply_number(self, campaign_id: int, nonce: str, phone: str) -> ReplyNumber:
        """Keep the phone number a respondent left (after consenting) for a reply to the complaint of
        the response with ``nonce``; a second number replaces the first. Raises PhoneError for a
        number that is not one, ComplaintError when the campaign has no such response."""
        phone = parse_phone(phone)
        with self.write() as connection:
            found = connection.execute(
                sa.select(responses.c.id, responses.c.receipt)
                .where(responses.c.campaign_id == campaign_id, responses.c.nonce == nonce)
            ).first()
            if found is None:
                raise ComplaintError(f"campaign {campaign_id} has no response with this form's nonce")
            response_id = int(found.id)
            if _row(connection, response_id) is None:
                connection.execute(sa.insert(complaints).values(campaign_id=campaign_id, response_id=response_id,
                                                                phone=phone, created_at=_now()))
            else:
                connection.execute(sa.update(complaints).where(complaints.c.response_id == response_id).values(phone=phone))
        return ReplyNumber(response_id, found.receipt or "")

    def set_complaint_status(self, campaign_id: int, response_id: int, status: str, *, actor: str, note: str = "") -> int | None:
        """Mark a complaint ``handled`` (by ``actor``, now) or ``open`` again, with the office's note;
        one audit row in the same transaction. Returns the audit row's id, or None when the status
        was already ``status`` (then only the note is kept, and nothing is logged)."""
        if status not in STATUSES:
            raise ComplaintError(f"status {status!r} must be one of {', '.join(STATUSES)}")
        note = check_note(note)
        actor = audit.check_actor(actor)
        now = _now()
        with self.write() as connection:
            owner = connection.execute(sa.select(responses.c.campaign_id).where(responses.c.id == response_id)).scalar()
            if owner != campaign_id:
                raise ComplaintError(f"campaign {campaign_id} has no response {response_id}")
            current = _row(connection, response_id)
            before = current["status"] if current is not None else "open"
            values = {"status": status, "note": note, "handled_by": actor if status == "handled" else None,
                      "handled_at": now if status == "handled" else None}
            if before == status:
                values = {"note": note}
            if current is None:
                connection.execute(sa.insert(complaints).values(campaign_id=campaign_id, response_id=response_id,
                                                                created_at=now, **{"status": status, **values}))
            else:
                connection.execute(sa.update(complaints).where(complaints.c.response_id == response_id).values(**values))
            if before == status:
                return None
            return audit.append(connection, actor=actor, action="complaint.handled" if status == "handled" else "complaint.reopened",
                                at=now, campaign_id=campaign_id, response_id=response_id, reason=mask_phones(note) or None,
                                detail={"from": before, "to": status})


__all__ = ["Complaint", "Complaints", "ReplyNumber"]
