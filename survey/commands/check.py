"""``python -m survey check [PATH...] [--json]``: validate instruments and profiles."""

from __future__ import annotations

import argparse
import json

from survey.questionnaire.checks import check_paths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate questionnaires, modules and profiles",
        description="Validate instrument, module and profile YAML files (default: everything shipped), "
        "with a validity lint of every keyed indicator (habitual respondents, random guessing, key "
        "balance) and of the completion time. Exit 0 when all are valid, else 1 with one line per "
        "problem: 'file: id: problem'.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: questionnaires/)")
    parser.add_argument("--json", action="store_true", help="print a JSON report (with the lint figures) instead of lines")
    parser.add_argument("--no-lint", action="store_true",
                        help="skip the validity lint (habitual and guessing respondents, completion time)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = check_paths(args.paths, lint=not args.no_lint)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            print(problem)
        if report.ok:
            print(f"ok: {len(report.files)} file(s) valid")
    return 0 if report.ok else 1
