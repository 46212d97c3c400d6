"""``python -m analysis quality --db URL --campaign ID [--json]``: a campaign's quality flags.

With ``--json`` it prints exactly ``{"responses": N, "flagged": [{"id", "site", "reasons": [...]},
...], "by_site": [{"site", "responses", "days", "per_day", "median_duration_s", "flagged",
"share_flagged", <one count per rule>, "open", "excluded"}, ...]}``; without, a table per site
and one line per flagged response with its review decision, if any. Flags never change the
database. Exit 0 on success, 1 on bad input (message on stderr), 2 on usage.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("quality", help="quality flags of a campaign's responses (too fast, same device, ...)",
                                   description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--campaign", type=int, required=True, metavar="ID")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from .errors import AnalysisError
    from .integrity import load_quality

    try:
        with Store.open(args.db) as store:
            quality = load_quality(store, args.campaign)
    except (SurveyError, StorageError, AnalysisError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = quality.to_json()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"responses: {out['responses']}, flagged: {len(out['flagged'])}, open: {len(quality.open_ids)}, "
          f"excluded: {len(quality.excluded_ids)}")
    if len(quality.by_site):
        print(quality.by_site.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    decisions = dict(zip(quality.flags["response_id"], quality.flags["review"]))
    for item in out["flagged"]:
        review = f" [{decisions[item['id']]}]" if isinstance(decisions.get(item["id"]), str) else ""
        print(f"{item['id']}\t{item['site']}\t{', '.join(item['reasons'])}{review}")
    return 0
