"""``python -m analysis items --db URL --campaign ID [--indicator NAME] [--json]``: item analysis.

With ``--json`` it prints ``{"indicators": [{"indicator", "questionnaire_id", "n", "k", "alpha",
"mean", "sd", "items": [{"id", "n", "correct", "dont_know", "options": {value: share},
"item_total", "flags"}]}]}`` (``analysis.items``); numbers that cannot be computed are null. Every
keyed indicator of the campaign's questionnaires is analysed unless ``--indicator`` names one.
Exit 0, or 1 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("items", help="item analysis: difficulty, discrimination, alpha, distractors",
                                   description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--campaign", type=int, required=True, metavar="ID")
    parser.add_argument("--indicator", help="only this indicator")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def campaign_items(data, indicator: str | None = None) -> list:  # noqa: ANN001
    """The item analysis of every keyed indicator of a campaign (``analysis.campaign.CampaignData``)."""
    from .items import KEYED, item_analysis

    out = []
    table = data.table
    for qid, questionnaire in data.questionnaires.items():
        rows = table[(table["questionnaire_id"] == qid).to_numpy()]
        for ind in questionnaire.indicators:
            if indicator is not None and ind.id != indicator:
                continue
            keyed = [q for q in (questionnaire.question(i) for i in ind.items) if q.answer is not None and str(q.type) in KEYED]
            if not keyed:
                continue
            scope = data.profile.scope(ind.id) if data.profile is not None else None
            out.append(item_analysis(rows, questionnaire, ind.id, scope.points if scope is not None else None))
    return out


def run(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from .campaign import load_campaign_data
    from .errors import AnalysisError

    try:
        with Store.open(args.db) as store:
            found = campaign_items(load_campaign_data(store, args.campaign), args.indicator)
    except (SurveyError, StorageError, AnalysisError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.indicator is not None and not found:
        print(f"error: campaign {args.campaign} has no keyed indicator {args.indicator!r}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"indicators": [f.to_dict() for f in found]}, ensure_ascii=False, indent=2))
        return 0
    for f in found:
        print(f"{f.questionnaire_id}/{f.indicator}: n={f.n} k={f.k} alpha={f.alpha:.3f} mean={f.mean:.2f} sd={f.sd:.2f}")
        for item in f.items:
            print(f"  {item.id:<28} correct={item.correct:.2f} item_total={item.item_total:.2f} {' '.join(item.flags)}")
    return 0
