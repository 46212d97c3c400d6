"""The parts (screens) of the HTML form: which sections share a screen, and how parts are counted.

A section is one screen, except a trailing section whose every question is optional (the
closing "suggestions" of the resident form): it joins the last part before it, so nobody meets
a whole screen for one optional box. The state's ``step`` is always the index of a part's first
section.

The count "第 i 部分，共 n 部分" stays the same from part to part: a later section that skip
logic hides only because the answer deciding it is not given yet (e.g. the satisfaction part
before "used TCM?" is answered) is counted; it drops out of the count only once an answer hides
it. The script updates the count on the page as soon as that answer is tapped (``maybe_parts``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from app.web.skiplogic import tree
from survey.collect.flow import INTRO, FormView
from survey.questionnaire import Questionnaire, per_version


@per_version
def optional_tail(questionnaire: Questionnaire) -> frozenset[int]:
    """The trailing sections whose answerable questions are all optional (they join the part before);
    worked out once per instrument version (a form's request asks several times)."""
    tail: set[int] = set()
    for index in range(len(questionnaire.sections) - 1, 0, -1):
        questions = [questionnaire.question(qid) for qid in questionnaire.sections[index].question_ids]
        answerable = [q for q in questions if q.takes_answer]
        if not answerable or any(q.required for q in answerable):
            break
        tail.add(index)
    return frozenset(tail)


@dataclass(frozen=True)
class Parts:
    """The form's parts for one view of its answers."""

    questionnaire: Questionnaire
    form: FormView

    @functools.cached_property
    def steps(self) -> tuple[int, ...]:
        """The first section of each part shown (a tail section joins the part before it)."""
        tail = optional_tail(self.questionnaire)
        shown = self.form.sections
        hosts = tuple(i for i in shown if i not in tail)
        return hosts if hosts else shown

    def sections_of(self, step: int) -> tuple[int, ...]:
        """The sections shown on the part starting at ``step``."""
        steps = self.steps
        if step not in steps or step != steps[-1]:
            return (step,)
        return (step, *(i for i in self.form.sections if i > step))

    def host(self, step: int) -> int:
        """The part holding section ``step`` (INTRO stays INTRO)."""
        if step == INTRO:
            return INTRO
        return max((i for i in self.steps if i <= step), default=self.steps[0] if self.steps else step)

    def next(self, step: int) -> int | None:
        return next((i for i in self.steps if i > step), None)

    def previous(self, step: int) -> int:
        return max((i for i in self.steps if i < step), default=INTRO)

    def _undecided(self, step: int) -> list[int]:
        """Later sections hidden only because the answers their rule reads are not given yet."""
        answered = self.form.clean
        tail = optional_tail(self.questionnaire)
        out = []
        for index, section in enumerate(self.questionnaire.sections):
            if index <= step or index in self.form.sections or index in tail or section.relevant is None:
                continue
            if not any(ref in answered for ref in section.relevant.references):
                out.append(index)
        return out

    def position(self, step: int) -> int:
        return sum(1 for i in self.steps if i <= step)

    def total(self, step: int) -> int:
        return len(self.steps) + len(self._undecided(step))

    def maybe_parts(self, step: int) -> str:
        """JSON for the script: ``[[references, rule], ...]`` of the undecided later sections."""
        sections = self.questionnaire.sections
        items = [[list(sections[i].relevant.references), tree(sections[i].relevant)] for i in self._undecided(step)]
        return json.dumps(items, ensure_ascii=False, separators=(",", ":"))

    def problems(self, step: int) -> dict:
        """Question id -> problem, for every section of the part at ``step``."""
        out: dict = {}
        for index in self.sections_of(step):
            out.update(self.form.by_section.get(index, {}))
        return out

    def first_with_problems(self) -> int | None:
        earlier = self.form.first_with_problems
        return None if earlier is None else self.host(earlier)


__all__ = ["Parts", "optional_tail"]
