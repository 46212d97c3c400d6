"""An audit row in words for the audit page: who, what and the details that matter, never raw codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from survey.storage.audit import AuditEntry

Translate = Callable[..., str]


def actor_words(actor: str, t: Translate) -> str:
    """``system`` and ``cli:<login>`` in words; account names as they are."""
    if actor == "system":
        return t("audit.actor.system")
    if actor.startswith("cli:"):
        return t("audit.actor.cli", login=actor[4:])
    return actor


def _quotas(value: Any, labels: Mapping[str, str]) -> str:
    if not isinstance(value, Mapping) or not value:
        return "—"
    return "、".join(f"{labels.get(k, k)} {v}" for k, v in value.items())


def detail_words(entry: AuditEntry, t: Translate, *, timezone: str, role_words: Mapping[str, str],
                 questionnaire_titles: Mapping[str, str]) -> str:
    """The row's details in one line of words (empty when nothing more need be said)."""
    d = entry.detail
    action = entry.action
    if entry.response_id is not None:
        return t("audit.detail.response", id=entry.response_id)
    if action == "campaign.created":
        return t("audit.detail.created", name=d.get("name", ""), count=len(d.get("sites") or ()))
    if action in ("campaign.closed", "campaign.reopened") and d.get("closed_at"):
        at = dt.datetime.fromisoformat(d["closed_at"]).astimezone(ZoneInfo(timezone))
        return t("audit.detail.closed_at", at=f"{at:%Y-%m-%d %H:%M}")
    if action == "site.added":
        return t("audit.detail.sites", codes="、".join(str(s.get("code")) for s in d.get("sites") or ()))
    if action == "site.removed":
        return t("audit.detail.site", code=f"{d.get('code')}（{d.get('name') or ''}）")
    if action == "site.changed":
        parts = [t("audit.detail.site", code=d.get("code"))]
        old, new = d.get("previous") or {}, d.get("new") or {}
        if old.get("name") != new.get("name"):
            parts.append(t("audit.detail.name", old=old.get("name"), new=new.get("name")))
        if old.get("quotas") != new.get("quotas"):
            parts.append(t("audit.detail.quotas", old=_quotas(old.get("quotas"), questionnaire_titles),
                           new=_quotas(new.get("quotas"), questionnaire_titles)))
        return "；".join(parts)
    if action == "import.batch":
        return t("audit.detail.file", file=d.get("file", ""), sha=str(d.get("sha256", ""))[:12], rows=d.get("rows", 0),
                 accepted=d.get("accepted", 0), refused=d.get("refused", 0), stored=d.get("stored", 0))
    if action == "account.role":
        return t("audit.detail.role", name=d.get("username"), old=role_words.get(d.get("previous"), d.get("previous")),
                 new=role_words.get(d.get("new"), d.get("new")))
    if action.startswith("account."):
        return t("audit.detail.account", name=d.get("username"))
    if action == "quality.parameters":
        return t("audit.detail.changed")
    return ""
