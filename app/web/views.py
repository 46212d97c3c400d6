"""What each screen of the HTML form shows, rendered by Jinja2 (autoescape on) from the model.

The screens: introduction and consent, one section at a time, the thank-you page (score and,
per campaign setting, the key of a quiz), the friendly exit of an out-of-scope respondent, the
notices (bad link, expired page), and the preview of a questionnaire. Everything a respondent
typed and every label goes through the template engine's escaping; nothing here builds HTML by
string concatenation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from app.i18n import translate
from app.web.skiplogic import tree
from app.web.state import MODES, FormState, Sealed
from survey.campaign import Campaign, Site
from survey.collect.flow import FormView
from survey.collect.options import option_order
from survey.errors import AnswerProblem
from survey.questionnaire import Question, Questionnaire, QuestionType, pick
from survey.questionnaire.scoring import grade

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The form's templates, each compiled once per process (no ``stat`` of its file per page:
    the templates change only with a new release, which restarts the server)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A short hash of the static files, so phones fetch a changed script or style sheet."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass(frozen=True)
class Context:
    """What every form template needs: language, CSRF value, the sealed state."""

    lang: str
    csrf: str = ""
    sealed: str | Sealed = ""  # Sealed: sealed when a template first writes it

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.lang, **values)


def render(template: str, ctx: Context, *, base: str = "", **values: Any) -> str:
    return environment().get_template(template).render(
        ctx=ctx,
        base=base,
        html_lang="zh-CN" if ctx.lang == "zh" else "en",
        asset_version=asset_version(),
        draft_key=values.pop("draft_key", ""),
        page=values.pop("page", template.split(".")[0]),
        home=values.pop("home", ""),
        **values,
    )


# ------------------------------------------------------------------------------- pieces


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _problem_text(problem: AnswerProblem, lang: str) -> str:
    if problem.code == "constraint" and problem.message:
        return pick(problem.message, lang)
    return translate(f"form.problem.{problem.code}", lang)


def _selected(answer: Any) -> set[str]:
    if answer is None:
        return set()
    if isinstance(answer, (list, tuple)):
        return {str(v) for v in answer}
    if isinstance(answer, bool):
        return {"true" if answer else "false"}
    if isinstance(answer, float) and answer.is_integer():
        return {str(int(answer))}
    return {str(answer)}


def question_view(
    question: Question,
    lang: str,
    *,
    answer: Any = None,
    shown: bool = True,
    number: int | None = None,
    problem: str | None = None,
    key: str | None = None,
    shown_if: str | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """One question as the templates draw it (labels in ``lang``, the answer as checked/filled);
    with the form's ``nonce``, a quiz item's options in that respondent's order
    (:func:`survey.collect.options.option_order`; answers are by value, so order is presentation only)."""
    chosen = _selected(answer)
    by_value = {c.value: c for c in question.choices}
    choices = [by_value[v] for v in option_order(question, nonce)] if nonce else list(question.choices)
    rules: dict[str, Any] = {"required": question.required}
    for name in ("min", "max", "min_selected", "max_selected"):
        if getattr(question, name) is not None:
            rules[name] = getattr(question, name)
    if question.integer:
        rules["integer"] = True
    if question.type is QuestionType.TEXT:
        rules["max_length"] = question.max_length
    if question.choices:
        rules["choices"] = list(question.choice_values)
    return {
        "id": question.id,
        "type": str(question.type),
        "label": pick(question.label, lang),
        "hint": pick(question.hint, lang) if question.hint else "",
        "required": question.required,
        "number": number,
        "shown": shown,
        "choices": [
            {"value": c.value, "label": pick(c.label, lang), "checked": c.value in chosen} for c in choices
        ],
        "value": "" if answer is None or isinstance(answer, (list, tuple)) else str(answer),
        "integer": question.integer,
        "max_length": question.max_length,
        "relevant": _json(tree(question.relevant)) if question.relevant is not None else "",
        "constraint": _json(tree(question.constraint)) if question.constraint is not None else "",
        "rules": _json(rules) if question.type is not QuestionType.NOTE else "",
        "problem": problem,
        "key": key,
        "shown_if": shown_if,
    }


def first_number(questionnaire: Questionnaire, step: int, shown: Mapping[str, bool] | None = None) -> int:
    """How many answerable questions come before section ``step`` (questions are numbered on);
    with ``shown``, only those skip logic shows."""
    return sum(
        1
        for s in questionnaire.sections[:step]
        for qid in s.question_ids
        if questionnaire.question(qid).takes_answer and (shown is None or shown.get(qid))
    )


def earlier_answers(questionnaire: Questionnaire, form: FormView) -> dict[str, Any]:
    """The clean answers of the sections before the view's step: what the section's script
    evaluates rules on (earlier answers never depend on later ones, so the view's walk has them)."""
    before = {qid for s in questionnaire.sections[: form.step] for qid in s.question_ids}
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in form.values.items() if k in before}


def section_questions(
    questionnaire: Questionnaire,
    form: FormView,
    lang: str,
    problems: Mapping[str, AnswerProblem] | None = None,
    *,
    nonce: str | None = None,
) -> list[dict[str, Any]]:
    """The questions of the view's section (hidden ones too, marked, for the live skip logic);
    quiz options in the order of the form's ``nonce``."""
    shown = form.shown
    number = first_number(questionnaire, form.step, shown)
    out = []
    for qid in questionnaire.sections[form.step].question_ids:
        question = questionnaire.question(qid)
        if question.takes_answer:
            number += 1
        problem = (problems or {}).get(qid)
        out.append(
            question_view(
                question,
                lang,
                answer=form.clean.get(qid),
                shown=bool(shown.get(qid)),
                number=number if question.takes_answer else None,
                problem=_problem_text(problem, lang) if problem else None,
                nonce=nonce,
            )
        )
    return out


def screened_out(questionnaire: Questionnaire, problems: Mapping[str, AnswerProblem]) -> AnswerProblem | None:
    """A problem that means "this person is not in the survey": a choice question whose own
    constraint (on ``.`` alone, e.g. ``. != 'under_15'``) refuses the choice made."""
    for qid, problem in problems.items():
        question = questionnaire.question(qid)
        if (
            problem.code == "constraint"
            and question.constraint is not None
            and not question.constraint.references
            and question.type in (QuestionType.SINGLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE)
        ):
            return problem
    return None


def intro_values(
    campaign: Campaign, site: Site, questionnaire: Questionnaire, state: FormState, lang: str
) -> dict[str, Any]:
    return {
        "title": pick(questionnaire.title, lang),
        "site_name": site.name,
        "organiser": campaign.organizer or translate("respond.organiser.unknown", lang),
        "introduction": [p for p in pick(questionnaire.introduction, lang).split("\n") if p.strip()],
        "minutes": questionnaire.estimated_minutes,
        "keep_months": campaign.keep_months,
        "phone": campaign.contact_phone,
        "consent_text": pick(questionnaire.consent, lang) or translate("respond.consent.default", lang),
        "consent": state.consent,
        "modes": MODES,
        "current_mode": state.mode,
        # when a quiz's answer key is shown, from the campaign's setting (the instrument promises nothing)
    }


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _choices_text(question: Question, value: Any, lang: str) -> str:
    if value is None or value == [] or value == ():
        return translate("respond.quiz.no_answer", lang)
    values = value if isinstance(value, (list, tuple)) else [value]
    return ("、" if lang == "zh" else ", ").join(question.choice_label(str(v), lang) for v in values)


def quiz_result(questionnaire: Questionnaire, answers: Mapping[str, Any], lang: str, *, with_key: bool) -> tuple[str, list[dict]]:
    """(score line, graded items) of a staff quiz; items only when the key may be shown."""
    if questionnaire.audience != "staff" or not questionnaire.scored_questions:
        return "", []
    grades = grade(questionnaire, answers)
    points = sum(g.points for g in grades)
    total = sum(g.max_points for g in grades)
    share = f"{points / total:.0%}" if total else "—"
    line = translate("respond.quiz.score", lang, points=_number_text(points), total=_number_text(total), share=share)
    if not with_key:
        return line, []
    items = []
    for g in grades:
        question = questionnaire.question(g.question_id)
        verdict = (
            translate("respond.quiz.right", lang)
            if g.correct
            else translate(
                "respond.quiz.wrong", lang, given=_choices_text(question, g.given, lang), answer=_choices_text(question, g.answer, lang)
            )
        )
        items.append(
            {
                "label": pick(g.label, lang),
                "correct": g.correct,
                "verdict": verdict,
                "explanation": pick(g.explanation, lang) if g.explanation else "",
            }
        )
    return line, items


def preview_sections(questionnaire: Questionnaire, lang: str, *, keys: bool) -> list[dict[str, Any]]:
    """Every section and question, each with its skip rule in words; answer keys only with ``keys``."""
    out = []
    number = 0
    for section in questionnaire.sections:
        questions = []
        for qid in section.question_ids:
            question = questionnaire.question(qid)
            if question.takes_answer:
                number += 1
            key_text = None
            if keys and question.answer is not None:
                values = question.answer if isinstance(question.answer, tuple) else (question.answer,)
                key_text = translate(
                    "respond.preview.key", lang, answer=("、" if lang == "zh" else ", ").join(question.choice_label(v, lang) for v in values)
                )
            questions.append(
                question_view(
                    question,
                    lang,
                    number=number if question.takes_answer else None,
                    key=key_text,
                    shown_if=translate("respond.preview.shown_if", lang, rule=question.relevant.text) if question.relevant else None,
                )
            )
        out.append(
            {
                "id": section.id,
                "title": pick(section.title, lang),
                "relevant": _json(tree(section.relevant)) if section.relevant is not None else "",
                "shown_if": translate("respond.preview.shown_if", lang, rule=section.relevant.text) if section.relevant else None,
                "questions": questions,
            }
        )
    return out


__all__ = [
    "Context",
    "earlier_answers",
    "intro_values",
    "preview_sections",
    "question_view",
    "quiz_result",
    "render",
    "screened_out",
    "section_questions",
]
