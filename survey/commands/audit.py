"""``python -m survey audit --db URL [--campaign ID] [--actor NAME] [--action CODE] [--since DATE] [--json]``:
the audit log, newest first, in words (the codes only in the JSON, beside the words)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from survey.campaign import DEFAULT_TIMEZONE
from survey.errors import SurveyError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="list the audit log (who changed what, when)",
        description="List the audit log newest first: campaign, site and quota changes, imports, review "
        "decisions, quality parameters and account changes, each with its actor and time.",
    )
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else data/tcm-survey.sqlite)")
    parser.add_argument("--campaign", type=int, help="only this campaign's rows")
    parser.add_argument("--actor", help="only this account's rows")
    parser.add_argument("--action", action="append", help="only rows of this action code (repeatable)")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="only rows from this day on (YYYY-MM-DD, in --timezone)")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE, help=f"time zone of the printed times (default {DEFAULT_TIMEZONE})")
    parser.add_argument("--language", choices=("zh", "en"), default="zh", help="language of the words (default zh)")
    parser.add_argument("--limit", type=int, help="at most this many rows")
    parser.add_argument("--json", action="store_true", help='print {"rows": [...]} as JSON')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.storage import Store

    zone = ZoneInfo(args.timezone)
    since = dt.datetime.combine(args.since, dt.time(), zone) if args.since else None
    try:
        with Store.open(args.db) as store:
            rows = store.audit_log(args.campaign, actor=args.actor, actions=args.action, since=since, limit=args.limit)
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"rows": [{
            "id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action, "words": r.words(args.language),
            "campaign": r.campaign_id, "response": r.response_id, "reason": r.reason, "detail": r.detail,
        } for r in rows]}, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        where = f" 调查活动 {r.campaign_id}" if r.campaign_id is not None and args.language == "zh" else (
            f" campaign {r.campaign_id}" if r.campaign_id is not None else "")
        why = f" · {r.reason}" if r.reason else ""
        print(f"{r.at.astimezone(zone):%Y-%m-%d %H:%M:%S}  {r.actor}  {r.words(args.language)}{where}{why}")
    return 0
