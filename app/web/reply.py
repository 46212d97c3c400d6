"""The thank-you page's complaint part: the bureau's hotline, and the offer of a reply.

When the campaign has a contact phone the thank-you page says where to call with a complaint.
When the respondent wrote a complaint or suggestion (``survey.collect.complaints.feedback_text``
of the sealed answers, the very answers just stored) the page offers a reply: a consent box of
its own and a phone number. The number is posted with ``action=reply`` and the form's sealed state
(its nonce names the stored response); ``Store.leave_reply_number`` keeps it apart from the
answers. Without the consent ticked, nothing is stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from app.i18n import translate
from app.web.state import FormState, Target
from survey.collect.complaints import ComplaintError, PhoneError, feedback_questions, parse_phone
from survey.questionnaire import Questionnaire, per_version
from survey.storage import SubmitResult

MAX_PHONE_FIELD = 40


def thanks_values(target: Target, state: FormState, reply: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What ``_reply.html`` shows: the hotline, whether a reply is offered, and after a post its outcome."""
    reply = dict(reply or {})
    return {
        "hotline": target.campaign.contact_phone,
        "hotline_tel": _dialable(target.campaign.contact_phone),
        "hotline_owner": target.campaign.organizer or translate("respond.organiser.unknown", state.lang),
        "offer_reply": wrote_feedback(target.questionnaire, state.answers),
        "reply_sent": bool(reply.get("sent")),
        "reply_problem": reply.get("problem", ""),
        "reply_phone": reply.get("phone", ""),
        "reply_consent": bool(reply.get("consent")),
    }


_feedback_questions = per_version(feedback_questions)


def wrote_feedback(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> bool:
    """True when ``answers`` hold a complaint or suggestion: ``feedback_text`` is not empty (its
    questions worked out once per instrument version, not on every thank-you page)."""
    return any(str(answers.get(qid) or "").strip() for qid in _feedback_questions(questionnaire))


@functools.lru_cache(maxsize=64)
def _dialable(phone: str) -> str:
    """The hotline as a ``tel:`` target (digits only), or '' when it is not a plain phone number."""
    try:
        return re.sub(r"\D", "", parse_phone(phone).split("转")[0]) if phone else ""
    except PhoneError:
        return ""


def reply(store, target: Target, state: FormState, form: Mapping[str, Any]) -> tuple[SubmitResult, dict[str, Any]]:  # noqa: ANN001
    """Keep the posted reply number (``reply_consent`` ticked, ``reply_phone`` a phone number) for the
    response of ``state``'s nonce. Returns the thank-you page's result and the reply outcome."""
    lang = state.lang
    consent = form.get("reply_consent") == "1"
    raw = form.get("reply_phone")
    phone = raw.strip()[:MAX_PHONE_FIELD] if isinstance(raw, str) else ""
    outcome: dict[str, Any] = {"phone": phone, "consent": consent}
    receipt = state.nonce[:8].upper()
    if not wrote_feedback(target.questionnaire, state.answers):
        outcome["problem"] = translate("reply.nothing_written", lang)
    elif not consent:
        outcome["problem"] = translate("reply.need_consent", lang)
    else:
        try:
            kept = store.leave_reply_number(target.campaign.id, state.nonce, phone)
        except PhoneError:
            outcome["problem"] = translate("reply.bad_phone", lang)
        except ComplaintError:
            outcome["problem"] = translate("reply.not_stored", lang)
        else:
            return SubmitResult(kept.response_id, False, receipt=kept.receipt or receipt), {"sent": True}
    return SubmitResult(0, False, receipt=receipt), outcome


__all__ = ["reply", "thanks_values", "wrote_feedback"]
