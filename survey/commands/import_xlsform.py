"""``python -m survey import-xlsform FORM.xlsx -o OUT.yaml [--strict]``: XLSForm to our YAML.

The YAML is written only when it passes ``survey check`` (schema and validity lint); otherwise
nothing is written and the problems are printed. Import issues are printed by sheet, row and
column: warnings (meaning kept: a translation copied, an id renamed) leave the exit code 0
unless ``--strict``; errors (a part left out) give exit code 1, with the converted rest written.
Exit 2: the form or the output folder cannot be used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

from survey.errors import SurveyError
from survey.questionnaire.lint import lint_questionnaire
from survey.questionnaire.loader import parse_questionnaire
from survey.questionnaire.profiles import load_profiles
from survey.questionnaire.xlsform import import_xlsform


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-xlsform",
        help="convert an XLSForm (ODK/KoboToolbox) to questionnaire YAML",
        description="Convert the common XLSForm subset to our YAML, written only if it passes `survey check`. "
        "Parts outside the subset are reported by sheet, row and column: warnings (exit 0; 1 with --strict) "
        "and errors (exit 1, the rest is written). Exit 2: the form or the output folder cannot be used.",
    )
    parser.add_argument("form", metavar="FORM.xlsx")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.yaml")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if not output.parent.is_dir():
        print(f"error: {output}: the folder {output.parent} does not exist; create it first", file=sys.stderr)
        return 2
    try:
        result = import_xlsform(args.form)
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for issue in result.issues:
        print(f"{args.form}: {issue.severity}: {issue}", file=sys.stderr)
    header = f"# Imported from {Path(args.form).name} by `python -m survey import-xlsform`.\n"
    if result.issues:
        header += f"# {len(result.issues)} part(s) of the form were not converted as they were: see the import report.\n"
    text = header + yaml.safe_dump(result.questionnaire, allow_unicode=True, sort_keys=False, width=100)
    questionnaire, problems = parse_questionnaire(yaml.safe_load(text), source=str(output), base_dir=output.parent)
    if questionnaire is not None and not problems:
        problems = lint_questionnaire(questionnaire, load_profiles().values()).problems
    if problems:
        for problem in problems:
            print(f"{problem}", file=sys.stderr)
        print(f"nothing written: the converted form fails `survey check` ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    try:
        _write_atomically(output, text)
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    errors = sum(i.severity == "error" for i in result.issues)
    warnings = len(result.issues) - errors
    converted = sum(len(s["questions"]) for s in result.questionnaire["sections"])
    print(f"wrote {output}: {converted} question(s), {errors} import error(s), {warnings} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
