"""``python -m analysis bundle`` and ``python -m analysis verify``.

::

    python -m analysis bundle --db URL --campaign ID --out FILE.zip [--exclude-flagged] [--with-text]
        [--weighting design|equal|poststratify|rake] [--population FILE] [--ci METHOD] [--level L]
    python -m analysis verify FILE.zip [--db URL]

``bundle`` writes the results bundle (:mod:`analysis.bundle`) and prints its path and fingerprint;
exit 0, or 1 on bad input (message on stderr). ``verify`` re-hashes every file against the manifest,
recomputes the estimates from the bundle's CSVs and, with ``--db``, compares the campaign's data
now with the bundle's fingerprint: exit 0 when everything agrees, else 1 with one line per
difference naming the file and row.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    from .campaign import CI_DEFAULT, WEIGHTINGS
    from .intervals import CI_METHODS

    p = subparsers.add_parser("bundle", help="write a results bundle a reviewer can re-run (data, design, results, "
                              "reproduce.R, reproduce.py, manifest with SHA-256)", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else SQLite under data/)")
    p.add_argument("--campaign", type=int, required=True, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.zip")
    p.add_argument("--exclude-flagged", action="store_true", dest="exclude_flagged",
                   help="leave out responses whose quality flags nobody has reviewed yet")
    p.add_argument("--with-text", action="store_true", dest="with_text", help="also publish free-text answers")
    p.add_argument("--weighting", choices=WEIGHTINGS, default="design")
    p.add_argument("--population", metavar="FILE", help="population table (CSV/XLSX) for poststratify or rake")
    p.add_argument("--ci", choices=CI_METHODS, default=CI_DEFAULT)
    p.add_argument("--level", type=float, help="one-sided level of the verdicts (default: the profile's)")
    p.add_argument("--json", action="store_true", help="print the manifest's summary as JSON")
    p.set_defaults(func=run_bundle)
    v = subparsers.add_parser("verify", help="check a results bundle: hashes, recomputed estimates, and with --db "
                              "whether the data changed since", description=__doc__.splitlines()[0])
    v.add_argument("bundle", metavar="FILE.zip")
    v.add_argument("--db", help="database URL: also compare the campaign's data now with the bundle's fingerprint")
    v.set_defaults(func=run_verify)


def run_bundle(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from .bundle import build_bundle, write_bundle
    from .campaign import PopulationError, ResultOptions, load_campaign_data, read_population
    from .errors import AnalysisError

    if args.weighting in ("poststratify", "rake") and not args.population:
        print(f"error: --weighting {args.weighting} needs --population FILE", file=sys.stderr)
        return 2
    try:
        with Store.open(args.db) as store:
            population = read_population(args.population, load_campaign_data(store, args.campaign)) if args.population else None
            options = ResultOptions(weighting=args.weighting, population=population, ci=args.ci, level=args.level)
            bundle = build_bundle(store, args.campaign, options, exclude_flagged=args.exclude_flagged,
                                  with_text=args.with_text)
        path = write_bundle(bundle, args.out)
    except PopulationError as exc:
        for problem in exc.problems:
            print(f"error: {args.population}: {problem}", file=sys.stderr)
        return 1
    except (SurveyError, StorageError, AnalysisError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"file": str(path), "fingerprint": bundle.fingerprint.to_json(),
                          "files": sorted(bundle.files)}, ensure_ascii=False, indent=2))
    else:
        print(path)
        print(bundle.fingerprint.text("zh"))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from survey.errors import SurveyError
    from survey.storage import StorageError, Store

    from .errors import AnalysisError
    from .verify import verify_bundle

    try:
        if args.db:
            with Store.open(args.db) as store:
                lines = verify_bundle(args.bundle, store)
        else:
            lines = verify_bundle(args.bundle)
    except (SurveyError, StorageError, AnalysisError, OSError) as exc:
        print(f"{args.bundle}: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    if not lines:
        print(f"{args.bundle}: every file matches its manifest, every estimate follows from the data"
              + ("; the database holds the same data" if args.db else ""))
    return 0 if not lines else 1
