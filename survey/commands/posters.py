"""``python -m survey posters --db URL --campaign ID --base-url URL --out DIR``: QR codes and posters."""

from __future__ import annotations

import argparse
import json
import sys

from survey.errors import SurveyError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "posters",
        help="QR codes (PNG, SVG) and one printable PDF of A4 posters for a campaign",
        description="Into DIR: one QR PNG and SVG per site and instrument (<base URL>/?t=<signed token>), "
        "posters-campaign-ID.pdf with one Chinese A4 poster per site and instrument, and index.csv. "
        "Tokens are signed with TCM_SURVEY_SECRET, else the key file (TCM_SURVEY_SECRET_FILE or "
        "data/secret.key, created on first use): the app must use the same secret.",
    )
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    parser.add_argument("--campaign", required=True, type=int, metavar="ID", help="campaign id")
    parser.add_argument("--base-url", required=True, metavar="URL", help="public address of the form, e.g. https://survey.example.gov.cn")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    parser.add_argument("--site", action="append", metavar="CODE", help="only this site (repeatable)")
    parser.add_argument("--instrument", action="append", metavar="ID", help="only this questionnaire id (repeatable)")
    parser.add_argument("--secret-file", metavar="PATH", help="key file when TCM_SURVEY_SECRET is not set")
    parser.add_argument("--allow-unreachable", action="store_true",
                        help="make posters even for a loopback, private or plain-http address (a local test)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.campaign.keys import load_secret
    from survey.campaign.posters import check_base_url, write_campaign_posters
    from survey.storage import Store

    from survey.campaign.reach import warning

    try:
        check_base_url(args.base_url)
        problem = warning(args.base_url, command_line=True)
        if problem:  # no phone may reach it: say so before making any poster
            print(("warning: " if args.allow_unreachable else "error: ") + problem, file=sys.stderr)
            print(warning(args.base_url, "en", command_line=True), file=sys.stderr)
            if not args.allow_unreachable:
                return 2
        with Store.open(args.db) as store:
            campaign = store.campaign(args.campaign)
        unknown_sites = sorted(set(args.site or ()) - {s.code for s in campaign.sites})
        unknown_instruments = sorted(set(args.instrument or ()) - {i.questionnaire_id for i in campaign.instruments})
        if unknown_sites or unknown_instruments:
            raise SurveyError(
                f"campaign {campaign.id} has no "
                + " and no ".join(
                    part for part in (
                        f"site {unknown_sites}" if unknown_sites else "",
                        f"instrument {unknown_instruments}" if unknown_instruments else "",
                    ) if part
                )
            )
        secret = load_secret(args.secret_file)
        posters = write_campaign_posters(
            campaign, args.base_url, secret, args.out, sites=args.site, instruments=args.instrument
        )
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = {
        "campaign": campaign.id,
        "posters": len(posters.items),
        "pdf": str(posters.pdf),
        "index": str(posters.index),
        "qr": [{"site": i.site.code, "instrument": i.instrument.questionnaire_id, "url": i.url, "png": str(p), "svg": str(s)}
               for i, p, s in zip(posters.items, posters.png, posters.svg)],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(f"{len(posters.items)} posters of campaign {campaign.id} ({campaign.name}): {posters.pdf}")
        print(f"QR codes (PNG, SVG) and index.csv in {args.out}")
    return 0
