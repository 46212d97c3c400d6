"""Both evaluators of skip logic agree: ``survey.questionnaire.expressions`` and the form's script (node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.web.skiplogic import tree
from survey.questionnaire.expressions import EvaluationContext, compile_expression

from .expression_cases import CASES

SCRIPT = Path(__file__).resolve().parents[3] / "app" / "web" / "static" / "form.js"
RUNNER = """
const form = require(process.argv[1]);
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(c => form.evaluate(c.tree, c.answers, c.current))));
"""


def _compiled(text: str):
    return compile_expression(text, allow_current=True)


@pytest.mark.parametrize(("text", "answers", "current", "expected"), CASES, ids=[c[0] for c in CASES])
def test_python_evaluator_gives_the_table(text, answers, current, expected) -> None:
    assert _compiled(text).evaluate(EvaluationContext(answers=answers, current=current)) == expected


def test_script_evaluator_gives_the_same_table() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the test command installs Debian's 'nodejs' (scripts/apt-test.txt)")
    payload = [{"tree": tree(_compiled(text)), "answers": answers, "current": current} for text, answers, current, _ in CASES]
    out = subprocess.run([node, "-e", RUNNER, str(SCRIPT)], input=json.dumps(payload), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    mismatches = [(text, expected, got) for (text, _, _, expected), got in zip(CASES, results) if got != expected]
    assert not mismatches


def test_every_shipped_rule_has_a_tree() -> None:
    from survey.questionnaire.catalog import shipped_questionnaires

    for q in shipped_questionnaires().values():
        for question in q.questions:
            for rule in (question.relevant, question.constraint):
                if rule is not None:
                    assert json.loads(json.dumps(tree(rule)))[0] in {"cmp", "and", "or", "not", "in", "call", "lit"}
