"""Paradata: how a response came about (when opened, how long, which mode, which device).

The respondent form, surveyor mode and the imports pass a mapping with these keys to
``Store.submit(..., paradata=...)``; every key is optional:

============== ========================================================================
``opened_at``  when the form was first shown: ISO 8601 with a time zone (UTC), e.g.
               ``2026-05-01T08:00:00Z``
``duration_s`` seconds from opening to submitting (float, 0 to 7 days)
``section_seconds`` ``{section id: seconds on that section}`` (floats)
``language``   the form's language when submitted (``zh``, ``en``)
``resumed``    True when the form was picked up again after a reload or dropped connection
``mode``       ``self`` (respondent on their phone), ``read_aloud`` (a surveyor read the
               questions), ``paper`` (entered from a paper form)
``surveyor``   the surveyor's account name, None for a respondent's own phone
``device_id``  the raw value of the form's random per-device cookie
``option_orders`` ``{question id: [choice values in the order shown]}`` for the quiz items whose
               options are shuffled per respondent (:mod:`survey.collect.options`)
``paper_number`` a paper form entered by a surveyor (mode ``paper``): the number printed on it
               (1-40 characters; one response per number in a campaign)
``interviewed_on`` ... and the day of its interview (ISO date, e.g. ``2026-05-01``; 2000-01-01 to
               tomorrow, for the time zones)
============== ========================================================================

The store never keeps ``device_id``: it keeps :func:`device_hash`, an HMAC-SHA256 of it under a
key derived from the app's secret, which links responses from one phone without identifying
the phone, and changes when the secret changes. No IP address or user agent is collected.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey.errors import SurveyError

MODES = ("self", "read_aloud", "paper")
KEYS = ("opened_at", "duration_s", "section_seconds", "language", "resumed", "mode", "surveyor", "device_id", "option_orders",
        "paper_number", "interviewed_on")
PAPER_NUMBER_CHARS = 40
FIRST_INTERVIEW_DAY = dt.date(2000, 1, 1)
MAX_OPTIONS = 100
CHOICE_LIST = re.compile(r"[A-Za-z0-9_.-]{1,64}(?:,[A-Za-z0-9_.-]{1,64})*")  # choice values joined by ",": one match per order
MAX_DURATION_S = 7 * 86400.0
MAX_SECTIONS = 200
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
SECTION_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
#: HMAC domain label: the device key is HMAC(secret, label), so a device hash can never equal
#: a token signature made with the same secret.
DEVICE_KEY_LABEL = b"tcm-survey/device-id/v1"


class ParadataError(SurveyError):
    """Paradata that cannot be stored; ``key`` names the offending key."""

    def __init__(self, key: str, message: str, *, where: str = "") -> None:
        self.key, self.detail = key, message
        super().__init__(f"{where}paradata {key}: {message}")


@dataclass(frozen=True)
class Paradata:
    """Validated paradata of one response (see the module docstring for each field)."""

    opened_at: dt.datetime | None = None
    duration_s: float | None = None
    section_seconds: Mapping[str, float] = field(default_factory=dict)
    language: str | None = None
    resumed: bool | None = None
    mode: str | None = None
    surveyor: str | None = None
    device_id: str | None = None
    option_orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    paper_number: str | None = None
    interviewed_on: dt.date | None = None

    def stored(self, secret: bytes | None) -> dict[str, Any]:
        """The columns the store writes: ``device_id`` replaced by its keyed hash."""
        if self.device_id is not None and secret is None:
            raise ParadataError("device_id", "no secret to hash it with")
        return {
            "opened_at": self.opened_at,
            "duration_s": self.duration_s,
            "section_seconds": dict(self.section_seconds) or None,
            "resumed": self.resumed,
            "mode": self.mode,
            "surveyor": self.surveyor,
            "device_hash": None if self.device_id is None else device_hash(secret or b"", self.device_id),
            "option_orders": {q: list(v) for q, v in self.option_orders.items()} or None,
            "paper_number": self.paper_number,
            "interviewed_on": self.interviewed_on,
        }


@functools.lru_cache(maxsize=16)
def device_key(secret: bytes) -> bytes:
    """The key of device hashes: HMAC-SHA256(secret, :data:`DEVICE_KEY_LABEL`) (worked out once per secret)."""
    return hmac.new(secret, DEVICE_KEY_LABEL, hashlib.sha256).digest()


def device_hash(secret: bytes, device_id: str) -> str:
    """HMAC-SHA256 of the device cookie under :func:`device_key` (64 hex characters)."""
    return hmac.new(device_key(secret), device_id.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_paradata(value: Mapping[str, Any] | Paradata | None) -> Paradata:
    """Check a paradata mapping (or pass a :class:`Paradata` through); ParadataError on a bad key."""
    if value is None:
        return Paradata()
    if isinstance(value, Paradata):
        return value
    if not isinstance(value, Mapping):
        raise ParadataError("(all)", f"expected a mapping, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in KEYS)
    if unknown:
        raise ParadataError(unknown[0], f"unknown key (known: {', '.join(KEYS)})")
    return Paradata(
        opened_at=_moment(value.get("opened_at")),
        duration_s=_seconds("duration_s", value.get("duration_s")),
        section_seconds=_sections(value.get("section_seconds")),
        language=_text("language", value.get("language"), 8),
        resumed=_flag("resumed", value.get("resumed")),
        mode=_mode(value.get("mode")),
        surveyor=_text("surveyor", value.get("surveyor"), 64),
        device_id=_device(value.get("device_id")),
        option_orders=_orders(value.get("option_orders")),
        paper_number=_text("paper_number", value.get("paper_number"), PAPER_NUMBER_CHARS),
        interviewed_on=_day(value.get("interviewed_on")),
    )


def _moment(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ParadataError("opened_at", f"{value!r} is not an ISO 8601 time") from None
    else:
        raise ParadataError("opened_at", f"expected an ISO 8601 text, got {type(value).__name__}")
    if moment.tzinfo is None:
        raise ParadataError("opened_at", f"{value!r} has no time zone (send UTC, e.g. 2026-05-01T08:00:00Z)")
    return moment.astimezone(dt.timezone.utc)


def _seconds(key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParadataError(key, f"expected seconds as a number, got {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_DURATION_S:
        raise ParadataError(key, f"{value!r} seconds is outside 0 to {MAX_DURATION_S:.0f}")
    return seconds


def _sections(value: Any) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParadataError("section_seconds", f"expected {{section id: seconds}}, got {type(value).__name__}")
    if len(value) > MAX_SECTIONS:
        raise ParadataError("section_seconds", f"{len(value)} sections (at most {MAX_SECTIONS})")
    out = {}
    for section, seconds in value.items():
        if not isinstance(section, str) or not SECTION_ID.match(section):
            raise ParadataError("section_seconds", f"section id {section!r} must be 1-64 letters, digits, '_', '.', '-'")
        out[section] = _seconds(f"section_seconds.{section}", seconds)
        if out[section] is None:
            raise ParadataError(f"section_seconds.{section}", "missing seconds")
    return out


def _text(key: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ParadataError(key, f"expected a text of 1 to {limit} characters, got {value!r}")
    return value.strip()


def _flag(key: str, value: Any) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ParadataError(key, f"expected true or false, got {value!r}")
    return value


def _mode(value: Any) -> str | None:
    if value is None:
        return None
    if value not in MODES:
        raise ParadataError("mode", f"{value!r} is not one of {', '.join(MODES)}")
    return str(value)


def _orders(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParadataError("option_orders", f"expected {{question id: [choice values]}}, got {type(value).__name__}")
    if len(value) > MAX_SECTIONS:
        raise ParadataError("option_orders", f"{len(value)} questions (at most {MAX_SECTIONS})")
    out = {}
    for question, order in value.items():
        if not isinstance(question, str) or not SECTION_ID.match(question):
            raise ParadataError("option_orders", f"question id {question!r} must be 1-64 letters, digits, '_', '.', '-'")
        joined = ",".join(order) if isinstance(order, (list, tuple)) and all(isinstance(v, str) for v in order) else None
        if (joined is None or not order or len(order) > MAX_OPTIONS or joined.count(",") != len(order) - 1
                or not CHOICE_LIST.fullmatch(joined) or len(set(order)) != len(order)):
            raise ParadataError(f"option_orders.{question}", "expected a list of distinct choice values")
        out[question] = tuple(order)
    return out


def _day(value: Any) -> dt.date | None:
    """An interview day: a date or ISO text, from 2000-01-01 to tomorrow (UTC; the county may be ahead)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise ParadataError("interviewed_on", f"expected an ISO date such as 2026-05-01, got {value!r}")
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParadataError("interviewed_on", f"{value!r} is not a date such as 2026-05-01") from None
    latest = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    if not FIRST_INTERVIEW_DAY <= day <= latest:
        raise ParadataError("interviewed_on", f"{day.isoformat()} is outside {FIRST_INTERVIEW_DAY.isoformat()} to {latest.isoformat()}")
    return day


def _device(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not DEVICE_ID.match(value):
        raise ParadataError("device_id", "expected 8-128 letters, digits, '-' or '_' (a random cookie value)")
    return value


__all__ = ["KEYS", "MODES", "Paradata", "ParadataError", "device_hash", "device_key", "parse_paradata"]
