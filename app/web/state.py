"""The state of one HTML form in progress, carried by the page itself (no server session).

Each page of the form holds the state in a hidden field ``state``, sealed: zlib-compressed JSON,
base64url, then a 128-bit HMAC-SHA256 tag keyed from the app secret and bound to the poster's
token, so a state cannot be edited or moved to another poster's form. The server keeps nothing
between requests; memory per open form on the server is zero.

The state holds the client nonce (made once per form: a repeat submit finds the stored row),
the answers so far (as posted: ``survey.questionnaire.answers`` validates and normalises them), the step, the
consent, the language, and the paradata clocks (opened_at, seconds per section).

>>> key = b"k" * 32
>>> state = FormState.new(now=0.0)
>>> open_state(seal(state, key, "1.01.r.x"), key, "1.01.r.x") == state
True
>>> open_state(seal(state, key, "1.01.r.x"), key, "1.02.r.x") is None
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from survey.collect.flow import INTRO, NONCE, new_nonce

MAX_SEALED_CHARS = 24_000  # far above any real questionnaire; a larger field is refused
MODES = ("self", "read_aloud", "paper")
_CONTEXT = b"tcm-survey/form-state/v1"


@dataclass(frozen=True)
class FormState:
    """One form in progress. ``step``: INTRO (-1) or a section index. Times are Unix seconds (UTC)."""

    nonce: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    step: int = INTRO
    consent: bool = False
    lang: str = "zh"
    opened_at: float = 0.0
    shown_at: float = 0.0  # when the current screen was sent
    section_seconds: Mapping[str, float] = field(default_factory=dict)
    resumed: bool = False
    mode: str = "self"

    @classmethod
    def new(cls, *, lang: str = "zh", now: float | None = None, mode: str = "self") -> FormState:
        moment = time.time() if now is None else now
        return cls(nonce=new_nonce(), lang=lang, opened_at=moment, shown_at=moment, mode=mode)

    def timed(self, section_id: str | None, now: float) -> FormState:
        """Add the time since the current screen was sent to ``section_id`` (None: the introduction)."""
        if section_id is None:
            return replace(self, shown_at=now)
        spent = max(0.0, now - self.shown_at)
        seconds = dict(self.section_seconds)
        seconds[section_id] = round(seconds.get(section_id, 0.0) + spent, 3)
        return replace(self, section_seconds=seconds, shown_at=now)


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, _CONTEXT, hashlib.sha256).digest()


def _tag(key: bytes, binding: str, body: bytes) -> str:
    digest = hmac.new(_key(key), binding.encode() + b"|" + body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def seal(state: FormState, secret: bytes, binding: str) -> str:
    """``state`` as tamper-evident text for a hidden field, bound to ``binding`` (the token)."""
    payload = asdict(state)
    payload["answers"] = dict(state.answers)
    payload["section_seconds"] = dict(state.section_seconds)
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = base64.urlsafe_b64encode(zlib.compress(raw, 6)).rstrip(b"=")
    return body.decode("ascii") + "." + _tag(secret, binding, body)


def open_state(text: str | None, secret: bytes, binding: str) -> FormState | None:
    """The state sealed in ``text`` for ``binding``; None when missing, damaged, edited or foreign."""
    if not isinstance(text, str) or not text or len(text) > MAX_SEALED_CHARS or text.count(".") != 1:
        return None
    body_text, tag = text.split(".")
    body = body_text.encode("ascii", "replace")
    if not hmac.compare_digest(tag, _tag(secret, binding, body)):
        return None
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)), bufsize=65536)
        payload = json.loads(raw.decode("utf-8"))
        state = FormState(**payload)
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError, TypeError):
        return None
    if not NONCE.match(state.nonce) or not isinstance(state.answers, dict) or state.mode not in MODES:
        return None
    return state


__all__ = ["FormState", "MODES", "open_state", "seal"]
