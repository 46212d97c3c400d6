"""``python -m survey demo --db URL [--responses N] [--json]``: a demo campaign with simulated data."""

from __future__ import annotations

import argparse
import json
import sys

from survey.errors import SurveyError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="create a demo campaign (illustrative 柳南区 frame) with simulated responses",
        description="Create a demo campaign on an illustrative frame of 柳南区 (3 towns, 8 street offices, "
        "22 sites; populations and site names illustrative) with N simulated responses. The campaign "
        "is marked as a demo and every response as simulated. With --json print "
        '{"campaign": ID, ...}.',
    )
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--responses", type=int, default=300, metavar="N", help="simulated responses (default 300)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--profile", default="liunan", help="jurisdiction profile id (default liunan)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.demo import create_demo
    from survey.questionnaire.profiles import load_profile
    from survey.storage import Store
    from survey.storage.audit import command_line_actor

    if args.responses < 0:
        print(f"error: --responses must be >= 0, got {args.responses}", file=sys.stderr)
        return 2
    try:
        load_profile(args.profile)
        with Store.open(args.db) as store:
            result = create_demo(store, responses=args.responses, seed=args.seed, profile_id=args.profile,
                                 actor=command_line_actor())
            url = store.url
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    campaign = result.campaign
    summary = {
        "campaign": campaign.id,
        "name": campaign.name,
        "demo": True,
        "simulated": True,
        "responses": result.responses,
        "sites": len(campaign.sites),
        "strata": len({s.stratum for s in campaign.sites}),
        "instruments": {i.questionnaire_id: i.version_hash for i in campaign.instruments},
        "profile": campaign.profile_id,
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "db": url,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(f"demo campaign {campaign.id}: {campaign.name}")
        print(f"  {len(campaign.sites)} sites in {summary['strata']} strata (illustrative), "
              f"{result.responses} simulated responses, database {url}")
        print(f"  posters: python -m survey posters --db '{url}' --campaign {campaign.id} --base-url URL --out DIR")
    return 0
