"""The cue lint (survey.questionnaire.cues): each rule on hand-made items, the cues the issue listed
found on copies of the old shipped items (tests/fixtures/old_items), none on the shipped items, and
a scripted cue-following respondent who passes no shipped indicator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from survey.questionnaire.checks import check_paths
from survey.questionnaire.cues import cue_answer, item_cues, lint_cues, longest_key, poisson_binomial_tail
from survey.questionnaire.lint import GUESS_PASS_LIMIT, lint_questionnaire
from survey.questionnaire.loader import parse_questionnaire_file, parse_questionnaire_text
from survey.questionnaire.profiles import load_profiles
from survey.questionnaire.catalog import QUESTIONNAIRE_DIR, instrument_files
from survey.questionnaire.scoring import score

ROOT = Path(__file__).resolve().parents[3]
OLD = ROOT / "tests" / "fixtures" / "old_items"

HEAD = {
    "id": "t", "version": "1", "languages": ["zh", "en"],
    "title": {"zh": "标题", "en": "T"}, "introduction": {"zh": "说明", "en": "Intro"},
}


def single(qid: str, options: list[str], key: int) -> dict:
    return {
        "id": qid, "type": "single", "label": {"zh": f"问题{qid}", "en": qid},
        "choices": [{"value": f"o{i}", "label": {"zh": text, "en": f"o{i}"}} for i, text in enumerate(options)]
        + [{"value": "dont_know", "label": {"zh": "不知道", "en": "Don't know"}}],
        "answer": f"o{key}",
    }


def multiple(qid: str, options: list[str], keys: list[int]) -> dict:
    item = single(qid, options, 0)
    item.update(type="multiple", exclusive=["dont_know"], answer=[f"o{k}" for k in keys], points=2)
    return item


def statement(qid: str, text: str, key: str) -> dict:
    return {"id": qid, "type": "true_false", "dont_know": True, "label": {"zh": text, "en": qid}, "answer": key}


def instrument(*questions: dict, rule: str = "points() >= 0.6 * max_points()"):
    data = dict(HEAD)
    data["sections"] = [{"id": "s", "title": {"zh": "甲", "en": "S"}, "questions": list(questions)}]
    data["indicators"] = [{"id": "ind", "label": {"zh": "指标", "en": "I"}, "kind": "binary",
                           "items": [q["id"] for q in questions], "rule": rule}]
    return parse_questionnaire_text(yaml.safe_dump(data, allow_unicode=True))


def rules_of(q, qid: str) -> set[str]:
    return {rule for rule, _ in item_cues(q.question(qid))}


# ----------------------------------------------------------------------------------- item rules


def test_absolute_word_in_wrong_options_only():
    q = instrument(single("a", ["只在生病时看", "每半年看一次", "每年看一次"], 1))
    assert "absolute" in rules_of(q, "a")
    fair = instrument(single("a", ["只在生病时看", "只在每半年看一次", "每年看一次"], 1))
    assert "absolute" not in rules_of(fair, "a")  # the key says 只 too: no cue


def test_yue_yue_is_an_absolute_pattern():
    q = instrument(single("a", ["颜色越深效果越好", "力度适中即可", "时间长短不限"], 1))
    assert "absolute" in rules_of(q, "a")


def test_only_the_key_hedged():
    q = instrument(single("a", ["全部自付", "符合规定的可以报销", "住院时报销"], 1))
    assert "hedged_key" in rules_of(q, "a")
    fair = instrument(single("a", ["门诊一般不报销", "符合规定的可以报销", "住院时报销"], 1))
    assert "hedged_key" not in rules_of(fair, "a")


def test_every_key_of_a_multi_select_sharing_a_character():
    q = instrument(multiple("m", ["未病先防", "没病常吃药", "既病防变", "病后防复发"], [0, 2, 3]))
    cues = dict(item_cues(q.question("m")))
    assert "shared_keys" in cues and "防" in cues["shared_keys"]
    fair = instrument(multiple("m", ["未病先防", "无病防病靠吃药", "既病防变", "病后防复发"], [0, 2, 3]))
    assert "shared_keys" not in rules_of(fair, "m")


def test_out_of_domain_distractor():
    q = instrument(multiple("m", ["针灸", "推拿", "整容手术", "免费领保健品"], [0, 1]))
    cues = dict(item_cues(q.question("m")))
    assert "implausible" in cues and "整容" in cues["implausible"] and "保健品" in cues["implausible"]
    fair = instrument(multiple("m", ["针灸", "推拿", "心脏搭桥手术", "核磁共振检查"], [0, 1]))
    assert "implausible" not in rules_of(fair, "m")


def test_statements_with_absolute_or_hedge_words_all_keyed_one_way():
    q = instrument(statement("t1", "体质辨识一定要到大医院做", "false"), statement("t2", "签约后可以得到中医服务", "true"),
                   statement("t3", "山药可作中药", "true"))
    rules = {c.rule for c in lint_cues(q).cues}
    assert {"absolute_statement", "hedged_statement"} <= rules
    balanced = instrument(statement("t1", "体质辨识一定要到大医院做", "false"), statement("t2", "孩子满月时一定有一次中医指导", "true"),
                          statement("t3", "老人可以每月免费做一次", "false"), statement("t4", "签约后可以得到中医服务", "true"))
    assert not {"absolute_statement", "hedged_statement"} & {c.rule for c in lint_cues(balanced).cues}


def test_longest_key_is_an_exact_one_sided_test():
    # chance 1/3 per item; 5 of 5 longest: p = (1/3)^5
    items = [single(f"s{i}", ["甲", "乙乙乙乙", "丙"], 1) for i in range(5)]
    q = instrument(*items)
    figures = longest_key(q.questions)
    assert figures is not None and figures.longest == 5 and figures.expected == pytest.approx(5 / 3)
    assert figures.p_value == pytest.approx((1 / 3) ** 5)
    assert "longest_key" in {c.rule for c in lint_cues(q).cues}
    assert poisson_binomial_tail([0.5, 0.5], 1) == pytest.approx(0.75)
    spread = instrument(*[single(f"s{i}", ["甲", "乙乙乙乙", "丙"], i % 3) for i in range(6)])
    assert "longest_key" not in {c.rule for c in lint_cues(spread).cues}


def test_cue_follower_answers_by_wording():
    q = instrument(
        single("a", ["只在生病时", "符合规定的可以报销", "全部自己付", "一个很长很长很长的选项"], 1),
        multiple("m", ["未病先防", "没病常吃药", "既病防变", "整容手术"], [0, 2]),
        statement("t", "体质辨识一定要到大医院做", "false"),
        statement("u", "山药可作中药", "true"),
    )
    assert cue_answer(q.question("a")) == "o1"  # hedged wins over longest, absolutes avoided
    assert sorted(cue_answer(q.question("m"))) == ["o0", "o2"]  # shares 病 (整容 left out as implausible)
    assert cue_answer(q.question("t")) == "false" and cue_answer(q.question("u")) == "true"
    lint = lint_questionnaire(q).indicators[0]
    assert lint.cue_follower is not None and lint.cue_follower.correct == 4 and lint.cue_follower.passes
    assert any("follows the cues" in p.message for p in lint.problems)


# ------------------------------------------------------------------------ old and shipped items


def old(name: str):
    questionnaire, problems = parse_questionnaire_file(OLD / name)
    assert questionnaire is not None and not problems, problems
    return questionnaire


def test_the_old_items_show_the_cues_the_issue_listed():
    cues = {(c.item, c.rule) for c in lint_cues(old("resident.yaml")).cues}
    assert ("k_zhiweibing", "shared_keys") in cues
    assert ("sa_child", "absolute") in cues
    assert {("sa_insurance", "absolute"), ("sa_insurance", "hedged_key")} <= cues
    for qid in ("k_aims", "k_exercises", "sa_services", "sa_elderly"):
        assert (qid, "implausible") in cues, qid
    assert ("(instrument)", "longest_key") in cues
    staff = {(c.item, c.rule) for c in lint_cues(old("staff_policy.yaml")).cues}
    assert ("law_art15_expertise", "absolute") in staff and ("(instrument)", "longest_key") in staff


def test_the_old_resident_items_let_a_cue_follower_pass_both_indicators():
    report = lint_questionnaire(old("resident.yaml"), load_profiles().values())
    passing = {(i.indicator, i.profile) for i in report.indicators if i.cue_follower and i.cue_follower.passes}
    for profile in (None, "default", "liunan", "qinzhou"):
        assert ("knowledge", profile) in passing and ("service_awareness", profile) in passing


def test_the_shipped_items_have_no_cues_and_pass_with_margin():
    report = check_paths()
    assert report.ok, "\n".join(map(str, report.problems))
    assert report.lint is not None
    assert all(not c.cues for c in report.lint.cues), [c.to_dict() for c in report.lint.cues if c.cues]
    for c in report.lint.cues:
        if c.longest_key is not None:  # the key is no more often the longest than chance
            assert c.longest_key.longest <= c.longest_key.expected, (c.questionnaire, c.longest_key)
    for lint in report.lint.indicators:
        assert lint.guess_pass is not None and lint.guess_pass <= 0.02, (lint.indicator, lint.profile, lint.guess_pass)
        assert lint.cue_follower is not None and lint.cue_follower.share < 0.5, (lint.questionnaire, lint.indicator, lint.profile)
        assert lint.cue_guess_pass is not None and lint.cue_guess_pass <= GUESS_PASS_LIMIT, (lint.questionnaire, lint.indicator, lint.profile)


@pytest.mark.parametrize("path", instrument_files(QUESTIONNAIRE_DIR), ids=lambda p: p.name)
def test_a_scripted_cue_follower_passes_no_shipped_indicator(path):
    questionnaire, problems = parse_questionnaire_file(path)
    assert questionnaire is not None and not problems
    keyed = {q.id for q in questionnaire.scored_questions}
    answers = {q.id: cue_answer(q) for q in questionnaire.questions if q.id in keyed}
    # answer the background so every indicator's denominator takes the response in
    for q in questionnaire.questions:
        if q.id in keyed or not q.takes_answer:
            continue
        answers[q.id] = _in_scope(q)
    for profile in [None, *load_profiles().values()]:
        if profile is not None and questionnaire.jurisdiction and questionnaire.jurisdiction != profile.id:
            continue
        scores = score(questionnaire, answers, profile=profile)
        for indicator in questionnaire.indicators:
            if indicator.kind.value != "binary" or not all(questionnaire.question(i).is_scored for i in indicator.items):
                continue
            assert scores[indicator.id] is not None, (indicator.id, profile and profile.id)
            assert scores[indicator.id] == 0, (path.name, indicator.id, profile and profile.id)


def _in_scope(question):
    """A background answer that keeps the respondent in every denominator."""
    wanted = {"resident_6m": "yes", "age_group": "65_69", "used_tcm": "yes", "sat_site": "township_centre",
              "staff_role": "tcm_physician", "staff_institution": "township_centre"}
    if question.id in wanted:
        return wanted[question.id]
    if question.type.value in ("single", "yes_no", "true_false"):
        return question.choice_values[0]
    if question.type.value == "multiple":
        return [question.choice_values[0]]
    if question.type.value == "likert5":
        return 4
    if question.type.value == "number":
        return question.min if question.min is not None else 1
    return None
