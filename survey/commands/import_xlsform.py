"""``python -m survey import-xlsform FORM.xlsx -o OUT.yaml``: XLSForm to our questionnaire YAML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from survey.errors import SurveyError
from survey.loader import parse_questionnaire
from survey.xlsform import import_xlsform


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-xlsform",
        help="convert an XLSForm (ODK/KoboToolbox) to questionnaire YAML",
        description="Convert the common XLSForm subset to our YAML. Parts outside the subset are "
        "reported by sheet, row and column (exit 1); the YAML is written with what converted.",
    )
    parser.add_argument("form", metavar="FORM.xlsx")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.yaml")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = import_xlsform(args.form)
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output = Path(args.output)
    header = f"# Imported from {Path(args.form).name} by `python -m survey import-xlsform`.\n"
    if result.issues:
        header += f"# {len(result.issues)} part(s) of the form were not converted as they were: see the import report.\n"
    body = yaml.safe_dump(result.questionnaire, allow_unicode=True, sort_keys=False, width=100)
    output.write_text(header + body, encoding="utf-8")
    for issue in result.issues:
        print(f"{args.form}: {issue}", file=sys.stderr)
    _, problems = parse_questionnaire(result.questionnaire, source=str(output), base_dir=output.parent)
    for problem in problems:
        print(f"{problem}", file=sys.stderr)
    converted = sum(len(s["questions"]) for s in result.questionnaire["sections"])
    print(f"wrote {output}: {converted} question(s), {len(result.issues)} import issue(s), {len(problems)} check problem(s)")
    return 1 if result.issues or problems else 0
