"""Signed site tokens: one per campaign, site and instrument, carried in the poster's QR code.

A token reads ``<campaign>.<site>.<instrument>.<mac>``, e.g. ``12.07.r.kX3v9QnE-aU``:

* ``campaign``: the campaign id (decimal);
* ``site``: the site code within the campaign (letters, digits, ``-``, ``_``);
* ``instrument``: the instrument's short id within the campaign (e.g. ``r``, ``s``);
* ``mac``: the first 8 bytes (64 bits) of HMAC-SHA256(secret, "tcm-survey/site/v1|c|s|i"),
  base64url without padding (11 characters).

The visible part lets a person (or a log) tell which poster a link comes from; the MAC makes it
impossible to make a valid token without the secret. 64 bits are ample for a token that can only
be tried online, and keep the URL short enough for a coarse QR code (version 4 at level M for a
30-character base URL). All characters are URL-safe, so the token needs no escaping in ``?t=``.

:func:`check_token` verifies a token against the stored campaign and returns a
:class:`TokenCheck` with a reason code and a message in Chinese and English.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

from survey.campaign.model import SHORT_ID, SITE_CODE, Campaign

MAC_BYTES = 8
MAC_CHARS = 11  # base64url of 8 bytes, no padding
_CONTEXT = b"tcm-survey/site/v1"
_TOKEN = re.compile(r"^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{1,16})\.([a-z0-9]{1,4})\.([A-Za-z0-9_-]{11})$")

# reason code -> (zh, en): the one table of refusal texts (the app's ``respond.token.<reason>``
# strings are made from it). The form shows the text in the respondent's language.
REASONS: dict[str, tuple[str, str]] = {
    "ok": ("链接有效。", "The link is valid."),
    "missing": (
        "没有找到调查链接。请用手机扫描调查海报上的二维码。",
        "No survey link was given. Please scan the QR code on the survey poster.",
    ),
    "malformed": (
        "链接不完整或格式不对，可能复制时缺了字符。请直接扫描海报上的二维码。",
        "The link is incomplete or not in the right form (perhaps cut off when copied). Please scan the QR code on the poster.",
    ),
    "forged": (
        "此链接不是调查组织方发出的（签名无效），无法填写。请扫描正式张贴的调查海报。",
        "This link was not issued by the survey organiser (invalid signature). Please scan an official survey poster.",
    ),
    "altered": (
        "此链接被改动过，与海报上的原始二维码不一致。请重新扫描海报上的二维码。",
        "This link was changed after it was issued and no longer matches the poster. Please scan the poster's QR code again.",
    ),
    "unknown_campaign": (
        "找不到这次调查，它可能已被删除。",
        "This survey cannot be found; it may have been removed.",
    ),
    "other_campaign": (
        "此二维码属于另一次调查，不能在这里填写。",
        "This QR code belongs to a different survey and cannot be used here.",
    ),
    "unknown_site": (
        "此调查点已不在本次调查中。",
        "This site is no longer part of the survey.",
    ),
    "unknown_instrument": (
        "此问卷已不在本次调查中。",
        "This questionnaire is no longer part of the survey.",
    ),
    "not_yet_open": (
        "本次调查尚未开始（开始日期：{opens_on}），请届时再来填写。",
        "The survey has not started yet (it opens on {opens_on}). Please come back then.",
    ),
    "closed": (
        "本次调查已经结束（截止日期：{closes_on}），感谢您的关注。",
        "The survey has ended (it closed on {closes_on}). Thank you for your interest.",
    ),
}


@dataclass(frozen=True)
class TokenPayload:
    campaign_id: int
    site_code: str
    instrument: str  # the short id


@dataclass(frozen=True)
class TokenCheck:
    """The result of :func:`check_token`. ``ok`` is True only when ``reason == "ok"``."""

    reason: str
    payload: TokenPayload | None = None
    campaign: Campaign | None = None

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    def message(self, language: str = "zh") -> str:
        zh, en = REASONS[self.reason]
        text = en if language == "en" else zh
        values = {"opens_on": "", "closes_on": ""}
        if self.campaign is not None:
            values = {"opens_on": self.campaign.opens_on.isoformat(), "closes_on": self.campaign.closing_date().isoformat()}
        return text.format(**values)

    @property
    def messages(self) -> dict[str, str]:
        return {"zh": self.message("zh"), "en": self.message("en")}


def _mac(secret: bytes, campaign_id: int, site_code: str, instrument: str) -> str:
    message = b"|".join((_CONTEXT, str(campaign_id).encode(), site_code.encode(), instrument.encode()))
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_token(secret: bytes, campaign_id: int, site_code: str, instrument: str) -> str:
    """The signed token for one site and instrument (short id) of a campaign."""
    if isinstance(campaign_id, bool) or not isinstance(campaign_id, int) or campaign_id <= 0:
        raise ValueError(f"campaign id must be a positive integer, got {campaign_id!r}")
    if not SITE_CODE.match(site_code):
        raise ValueError(f"site code {site_code!r} must be 1-16 letters, digits, '-' or '_'")
    if not SHORT_ID.match(instrument):
        raise ValueError(f"instrument short id {instrument!r} must be 1-4 lowercase letters or digits")
    if not secret:
        raise ValueError("empty secret")
    return f"{campaign_id}.{site_code}.{instrument}.{_mac(secret, campaign_id, site_code, instrument)}"


def parse_token(token: str) -> tuple[TokenPayload, str] | None:
    """The visible payload and the MAC, or None when the text is not shaped like a token."""
    if not isinstance(token, str):
        return None
    match = _TOKEN.match(token.strip())
    if not match:
        return None
    campaign, site, instrument, mac = match.groups()
    return TokenPayload(int(campaign), site, instrument), mac


def signature_valid(secret: bytes, token: str) -> bool:
    parsed = parse_token(token)
    if parsed is None:
        return False
    payload, mac = parsed
    expected = _mac(secret, payload.campaign_id, payload.site_code, payload.instrument)
    return hmac.compare_digest(expected, mac)


def token_url(base_url: str, token: str) -> str:
    """``<base URL>/?t=<token>`` (one slash between them)."""
    return f"{base_url.rstrip('/')}/?t={token}"


def check_token(
    token: str | None,
    secret: bytes,
    find_campaign: Callable[[int], Campaign | None],
    *,
    expected_campaign: int | None = None,
    now: dt.datetime | None = None,
) -> TokenCheck:
    """Verify a token; the reason says why it is refused (see :data:`REASONS`).

    Parameters
    ----------
    token
        The text of the ``t`` query parameter (None or empty: ``missing``).
    secret
        The signing secret (``survey.campaign.keys.load_secret()``).
    find_campaign
        Campaign id -> the stored campaign with its sites and instruments, or None.
    expected_campaign
        When the caller serves one campaign only (a surveyor's page): a genuine token of any
        other campaign is refused with ``other_campaign``.
    now
        The time to check the campaign's dates against (aware; default: now).

    A token whose MAC does not match is ``altered`` when the same MAC is genuine for another
    site or instrument of the claimed campaign (the visible part of a real token was edited),
    else ``forged``.
    """
    if not token or not str(token).strip():
        return TokenCheck("missing")
    parsed = parse_token(str(token))
    if parsed is None:
        return TokenCheck("malformed")
    payload, mac = parsed
    expected = _mac(secret, payload.campaign_id, payload.site_code, payload.instrument)
    campaign = find_campaign(payload.campaign_id)
    if not hmac.compare_digest(expected, mac):
        if campaign is not None and _genuine_elsewhere(secret, campaign, payload, mac):
            return TokenCheck("altered", payload)
        return TokenCheck("forged", payload)
    if campaign is None:
        return TokenCheck("unknown_campaign", payload)
    if expected_campaign is not None and campaign.id != expected_campaign:
        return TokenCheck("other_campaign", payload, campaign)
    if campaign.site(payload.site_code) is None:
        return TokenCheck("unknown_site", payload, campaign)
    if campaign.instrument(payload.instrument) is None:
        return TokenCheck("unknown_instrument", payload, campaign)
    refusal = campaign.accepts(now)
    if refusal is not None:
        return TokenCheck(refusal, payload, campaign)
    return TokenCheck("ok", payload, campaign)


def _genuine_elsewhere(secret: bytes, campaign: Campaign, payload: TokenPayload, mac: str) -> bool:
    site_codes = {s.code for s in campaign.sites} | {payload.site_code}
    short_ids = {i.short_id for i in campaign.instruments} | {payload.instrument}
    for code in site_codes:
        for short_id in short_ids:
            if (code, short_id) != (payload.site_code, payload.instrument) and hmac.compare_digest(
                _mac(secret, campaign.id, code, short_id), mac
            ):
                return True
    return False
