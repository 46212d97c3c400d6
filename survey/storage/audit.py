"""The audit log: one row for every change of what the analysis counts or of who may act.

Each row says who (``actor``: an account name, ``system`` for the app's own start-up work, or
``cli:<login>`` for the command line), when (UTC), what (``action``, one of :data:`ACTIONS`), on
which campaign and response, why (``reason``, where one is asked for) and the details (old and
new values, a file's name and SHA-256, counts). A row is written by the same transaction as the
change it records, so the log and the data cannot disagree (ODK Central's ``audits`` are the
model: ``log(actor, action, actee, details)`` next to every write).

The log is append-only: no page or command edits or deletes it, and the database refuses to
(triggers made by migration 7 abort any UPDATE or DELETE of ``audit_log``, on SQLite and
PostgreSQL alike).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey.errors import SurveyError
from survey.storage.schema import audit_log

SYSTEM = "system"  # the app's own start-up work (first admin, demo accounts)
MAX_ACTOR = 64

# action code -> its words (zh, en). The codes are stored; people only ever see the words.
ACTIONS: dict[str, dict[str, str]] = {
    "campaign.created": {"zh": "新建调查活动", "en": "Campaign created"},
    "campaign.closed": {"zh": "结束调查活动", "en": "Campaign closed"},
    "campaign.reopened": {"zh": "重新开放调查活动", "en": "Campaign reopened"},
    "site.added": {"zh": "添加调查点", "en": "Sites added"},
    "site.removed": {"zh": "删除调查点", "en": "Site removed"},
    "site.changed": {"zh": "修改调查点名称或配额", "en": "Site name or quotas changed"},
    "import.batch": {"zh": "导入答卷文件", "en": "Response file imported"},
    "review.approved": {"zh": "审核：计入分析", "en": "Review: counted"},
    "review.excluded": {"zh": "审核：排除", "en": "Review: excluded"},
    "review.reopen": {"zh": "撤销审核决定", "en": "Review withdrawn"},
    "quality.parameters": {"zh": "修改质量核查参数", "en": "Quality parameters changed"},
    "account.created": {"zh": "新建账户", "en": "Account created"},
    "account.role": {"zh": "修改账户角色", "en": "Account role changed"},
    "account.disabled": {"zh": "停用账户", "en": "Account disabled"},
    "account.enabled": {"zh": "启用账户", "en": "Account enabled"},
    "account.password": {"zh": "重设账户密码", "en": "Account password reset"},
    "account.removed": {"zh": "删除账户", "en": "Account removed"},
    "surveyor.granted": {"zh": "调查员开始代填", "en": "Surveyor link used"},
    "household.assigned": {"zh": "分派入户家庭", "en": "Households assigned"},
    "household.roster": {"zh": "登记家庭成员", "en": "Household roster recorded"},
    "visit.recorded": {"zh": "记录入户访问", "en": "Visit recorded"},
    "visit.import": {"zh": "导入入户访问记录", "en": "Visit log imported"},
    "complaint.handled": {"zh": "意见投诉：标为已处理", "en": "Complaint marked handled"},
    "complaint.reopened": {"zh": "意见投诉：重新标为待处理", "en": "Complaint reopened"},
}


class AuditError(SurveyError):
    """An audit row that cannot be written as given (unknown action, no actor)."""


@dataclass(frozen=True)
class AuditEntry:
    """One audit-log row."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    campaign_id: int | None
    response_id: int | None
    reason: str | None
    detail: Mapping[str, Any]

    def words(self, language: str = "zh") -> str:
        """The action in words (the code itself only for a code this version does not know)."""
        return action_words(self.action, language)


def action_words(action: str, language: str = "zh") -> str:
    """The words of an action code, in ``language`` (zh or en)."""
    words = ACTIONS.get(action)
    return words.get(language, words["zh"]) if words else action


def check_actor(actor: str) -> str:
    """The actor as recorded: a non-empty name of at most 64 characters, no control characters."""
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR or any(ord(c) < 32 for c in actor):
        raise AuditError(f"a change needs the account that makes it (1-{MAX_ACTOR} characters), got {actor!r}")
    return actor.strip()


def command_line_actor() -> str:
    """Who the log names for a change made on the command line: ``cli:<login>``."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        login = "unknown"
    return check_actor(f"cli:{login}"[:MAX_ACTOR])


def append(
    connection: Connection,
    *,
    actor: str,
    action: str,
    at: dt.datetime | None = None,
    campaign_id: int | None = None,
    response_id: int | None = None,
    reason: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> int:
    """Append one row inside the caller's transaction; return its id."""
    if action not in ACTIONS:
        raise AuditError(f"unknown audit action {action!r}")
    result = connection.execute(
        sa.insert(audit_log)
        .values(at=at or dt.datetime.now(dt.timezone.utc), actor=check_actor(actor), action=action,
                campaign_id=campaign_id, response_id=response_id, reason=reason, detail=dict(detail or {}))
        .returning(audit_log.c.id)
    )
    return int(result.scalar_one())


def select(
    connection: Connection,
    campaign_id: int | None = None,
    *,
    actor: str | None = None,
    actions: tuple[str, ...] | list[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Rows newest first, filtered by campaign, actor, action codes and time (``since`` <= at < ``until``)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc())
    if campaign_id is not None:
        query = query.where(audit_log.c.campaign_id == campaign_id)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if actions:
        query = query.where(audit_log.c.action.in_(list(actions)))
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditEntry(int(r.id), r.at, r.actor, r.action, r.campaign_id,
                   None if r.response_id is None else int(r.response_id), r.reason, dict(r.detail or {}))
        for r in connection.execute(query)
    ]


def actors(connection: Connection) -> list[str]:
    """Every actor the log names, sorted (for the audit page's filter)."""
    return sorted(r[0] for r in connection.execute(sa.select(audit_log.c.actor).distinct()))
