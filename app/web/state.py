"""The state of one HTML form in progress, carried by the page itself (no server session).

Each page of the form holds the state in a hidden field ``state`` (without the script, in the
page's address: ``app.web.done``), sealed: zlib-compressed JSON, encrypted (XORed with a
keystream: SHAKE-256 of a key derived from the app secret and a random 96-bit IV, a keyed
sponge used as a PRF, as KMAC is), base64url, then a 128-bit HMAC-SHA256 tag over the IV and
ciphertext, keyed from the app secret and bound to the poster's token (encrypt-then-MAC). So a
state cannot be read from the phone's history, edited, or moved to another poster's form. The
server keeps nothing between requests; memory per open form on the server is zero.

Pages sealed by the two earlier versions still open while they are in someone's hands: v2
(tag context ``v2``: the keystream was HMAC-SHA256 of the IV and a block counter, one Python
step per 32 bytes, about 35 us per request against 2 us now) and v1 (signed, not encrypted).

The state holds the client nonce (made once per form: a repeat submit finds the stored row),
the answers so far (as posted: ``survey.questionnaire.answers`` validates and normalises them), the step, the
consent, the language, and the paradata clocks (opened_at, seconds per section).

Also here: :class:`Target`, what a form is for (the state is bound to its token), the paradata a
finished form's state gives the store, and the fields of a draft the phone kept (``resume``).

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
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlencode

from survey.campaign import Campaign, CampaignInstrument, Site
from survey.collect.flow import INTRO, NONCE, new_nonce
from survey.questionnaire import Questionnaire

MAX_SEALED_CHARS = 24_000  # far above any real questionnaire; a larger field is refused
MODES = ("self", "read_aloud", "paper")
_CONTEXT = b"tcm-survey/form-state/v3"
_CONTEXT_V2 = b"tcm-survey/form-state/v2"  # the HMAC counter-mode keystream (_crypt_v2): a page open during an upgrade still opens
_CONTEXT_V1 = b"tcm-survey/form-state/v1"  # signed, not encrypted: likewise
_STREAM_CONTEXT = b"tcm-survey/form-state/cipher/v3"
_CIPHER_CONTEXT = b"tcm-survey/form-state/cipher/v2"
IV_BYTES = 12


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
    paper_number: str = ""  # a surveyor entering a paper form: the number printed on it
    interview_date: str = ""  # ... and the day of the interview (ISO date)

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

    def paradata(
        self, *, surveyor: str | None, device_id: str | None, now: float, option_orders: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """What the store keeps about how this form was filled (``survey.collect.paradata``); with
        ``option_orders`` the order in which the shuffled quiz options were shown; for a paper form
        entered by a surveyor its number and interview day."""
        orders = {"option_orders": dict(option_orders)} if option_orders else {}
        paper = {"paper_number": self.paper_number, "interviewed_on": self.interview_date} if surveyor and self.mode == "paper" else {}
        return {
            **orders,
            **paper,
            "opened_at": dt.datetime.fromtimestamp(self.opened_at, dt.timezone.utc).isoformat(),
            "duration_s": round(max(0.0, now - self.opened_at), 3),
            "section_seconds": dict(self.section_seconds),
            "language": self.lang,
            "resumed": self.resumed,
            "mode": self.mode if surveyor else "self",
            "surveyor": surveyor,
            "device_id": device_id,
        }


@dataclass(frozen=True)
class Target:
    """What one form is for: campaign, site, instrument, questionnaire; who fills it in."""

    token: str
    campaign: Campaign
    site: Site
    instrument: CampaignInstrument
    questionnaire: Questionnaire
    surveyor: str | None
    household_id: int | None = None  # a door-to-door interview (the field app's households)

    @functools.cached_property
    def binding(self) -> str:
        """What the sealed state is bound to (worked out once: a request reads it several times)."""
        return self.token + ("|surveyor" if self.surveyor else "") + (f"|hh={self.household_id}" if self.household_id else "")

    @property
    def draft_key(self) -> str:
        return "tcm_form:" + self.binding

    @functools.cached_property
    def url(self) -> str:
        query = {"t": self.token, **({"by": "surveyor"} if self.surveyor else {}),
                 **({"hh": str(self.household_id)} if self.household_id else {})}
        return "/?" + urlencode(query)

    @property
    def back_url(self) -> str:
        """The field app's page of the household (empty for other forms)."""
        return f"/field/h/{self.campaign.id}/{self.household_id}" if self.household_id else ""


_FIELDS = tuple(f.name for f in fields(FormState))


def draft_fields(text: Any) -> list[tuple[str, str]]:
    """The section fields of a draft kept on the phone (JSON ``[[name, value], ...]``; anything else: none)."""
    try:
        pairs = json.loads(text if isinstance(text, str) and text else "[]")
    except ValueError:
        pairs = []
    if not isinstance(pairs, list):
        pairs = []
    return [(str(p[0]), str(p[1])) for p in pairs[:2000] if isinstance(p, list) and len(p) == 2]


@functools.lru_cache(maxsize=16)
def _key(secret: bytes, context: bytes = _CONTEXT) -> bytes:
    """The key of ``context`` derived from the app secret (worked out once per secret)."""
    return hmac.new(secret, context, hashlib.sha256).digest()


@functools.lru_cache(maxsize=16)
def _mac(secret: bytes, context: bytes) -> hmac.HMAC:
    """HMAC-SHA256 keyed with the key of ``context``, never updated: each tag (and each v2 keystream
    block) starts from a copy."""
    return hmac.new(_key(secret, context), digestmod=hashlib.sha256)


def _tag(key: bytes, binding: str, body: bytes, context: bytes = _CONTEXT) -> str:
    mac = _mac(key, context).copy()
    mac.update(binding.encode() + b"|" + body)
    return base64.urlsafe_b64encode(mac.digest()[:16]).rstrip(b"=").decode("ascii")


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream[: len(data)], "big")).to_bytes(len(data), "big")


def _crypt(secret: bytes, iv: bytes, data: bytes) -> bytes:
    """``data`` XOR SHAKE-256(k || iv), as long as ``data``: encrypts and decrypts alike (``k``: 32
    bytes derived from ``secret``; a fresh random ``iv`` per seal)."""
    return _xor(data, hashlib.shake_256(_key(secret, _STREAM_CONTEXT) + iv).digest(len(data)))


def _crypt_v2(secret: bytes, iv: bytes, data: bytes) -> bytes:
    """The v2 cipher (pages sealed before v3): ``data`` XOR the keystream HMAC-SHA256(k, iv ||
    counter) for counter = 0, 1, ..."""
    keyed = _mac(secret, _CIPHER_CONTEXT).copy()
    keyed.update(iv)
    stream = bytearray()
    for i in range((len(data) + 31) // 32):
        block = keyed.copy()
        block.update(i.to_bytes(4, "big"))
        stream += block.digest()
    return _xor(data, bytes(stream))


def seal(state: FormState, secret: bytes, binding: str) -> str:
    """``state`` as tamper-evident text for a hidden field, bound to ``binding`` (the token)."""
    payload = {name: getattr(state, name) for name in _FIELDS}  # shallow: json.dumps copies, no deep asdict walk
    payload["answers"] = dict(state.answers)
    payload["section_seconds"] = dict(state.section_seconds)
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    iv = os.urandom(IV_BYTES)
    body = base64.urlsafe_b64encode(iv + _crypt(secret, iv, zlib.compress(raw, 6))).rstrip(b"=")
    return body.decode("ascii") + "." + _tag(secret, binding, body)


class Sealed:
    """:func:`seal` of a state, worked out only when a template writes it (``{{ ctx.sealed }}``):
    the thank-you page carries the state only in its reply form or a surveyor's "next form"
    button, so most thank-you pages never seal (about 0.1 ms of CPU per submit)."""

    __slots__ = ("_args", "_text")

    def __init__(self, state: FormState, secret: bytes, binding: str) -> None:
        self._args = (state, secret, binding)
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = seal(*self._args)
        return self._text

    def __html__(self) -> str:  # Jinja's autoescape: base64url and ".", nothing to escape
        return str(self)


def open_state(text: object, secret: bytes, binding: str) -> FormState | None:
    """The state sealed in ``text`` for ``binding``; None when missing, damaged, edited or foreign."""
    if not isinstance(text, str) or not text or len(text) > MAX_SEALED_CHARS or text.count(".") != 1:
        return None
    body_text, tag = text.split(".")
    body = body_text.encode("ascii", "replace")
    version = next((v for v, context in ((3, _CONTEXT), (2, _CONTEXT_V2), (1, _CONTEXT_V1))
                    if hmac.compare_digest(tag, _tag(secret, binding, body, context))), None)
    if version is None:
        return None
    try:
        sealed = base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
        if version > 1:
            sealed = (_crypt if version == 3 else _crypt_v2)(secret, sealed[:IV_BYTES], sealed[IV_BYTES:])
        raw = zlib.decompress(sealed, bufsize=max(1024, 4 * len(sealed)))  # grows if need be
        payload = json.loads(raw.decode("utf-8"))
        state = FormState(**payload)
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError, TypeError):
        return None
    if not NONCE.match(state.nonce) or not isinstance(state.answers, dict) or state.mode not in MODES:
        return None
    return state


__all__ = ["MODES", "FormState", "Sealed", "Target", "draft_fields", "open_state", "seal"]
