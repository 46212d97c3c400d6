"""``python -m analysis response-rates --db URL --campaign ID [--by township|site] [--e E] [--json]``:
AAPOR response rates of a campaign's door-to-door households.

Every household assigned counts (AAPOR's denominator is the whole sample): one never visited is
3.11, "not attempted" (unknown eligibility, UH). With ``--json`` it prints exactly
``{"rows": [{"level", "domain", "I", "P", "R", "NC", "O", "UH", "UO", "NE", "e", "RR1", "RR2",
"RR3", "RR4", "COOP1", "REF1", "CON1"}, ...]}``: the county row, then one row per township or
site with ``--by``. Rates with a zero denominator are null. Exit 0, or 1 on bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

NOT_ATTEMPTED = "3.11"  # AAPOR: a sampled household nobody has visited yet (unknown eligibility)
BY = {"township": "stratum", "site": "site"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("response-rates", help="AAPOR response rates of the door-to-door households",
                                   description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--campaign", type=int, required=True, metavar="ID")
    parser.add_argument("--by", choices=tuple(BY), help="also one row per township or per site (village)")
    parser.add_argument("--e", type=float, help="eligible share of the unknown-eligibility households "
                                                "(default: AAPOR's proportional allocation per domain)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def rate_rows(store, campaign_id: int, by: str | None = None, e: float | None = None):  # noqa: ANN001, ANN201
    """The response-rate table of a campaign (``analysis.response_rates.response_rate_table``)."""
    from .response_rates import response_rate_table

    frame = store.household_frame(campaign_id)
    frame["disposition"] = frame["disposition"].fillna(NOT_ATTEMPTED)
    campaign = store.campaign(campaign_id)
    return response_rate_table(frame, {by: BY[by]} if by else None, e=e, name=campaign.name)


def _plain(value):  # noqa: ANN001, ANN202
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def run(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from .errors import AnalysisError

    try:
        with Store.open(args.db) as store:
            table = rate_rows(store, args.campaign, args.by, args.e)
    except (SurveyError, StorageError, AnalysisError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = [{k: _plain(v) for k, v in record.items()} for record in table.to_dict("records")]
    if args.json:
        print(json.dumps({"rows": rows}, ensure_ascii=False, indent=2))
        return 0
    if not rows or (rows[0]["I"] + rows[0]["P"] + rows[0]["R"] + rows[0]["NC"] + rows[0]["O"] + rows[0]["UH"]
                    + rows[0]["UO"] + rows[0]["NE"]) == 0:
        print("no households in this campaign")
        return 0
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0
