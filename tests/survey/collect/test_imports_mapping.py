"""The typed Target of an import column: its text for select boxes and back, its words, the targets
a questionnaire offers, and a mapping given as texts or Targets preparing alike."""

from __future__ import annotations

import pytest

from app.strings.import_responses import STRINGS
from survey.collect.imports import SPECIAL_TARGETS, Target, auto_map, prepare_import, read_upload, targets_for
from survey.questionnaire.loader import parse_questionnaire_text

from .test_imports import SMALL_YAML, _campaign, _csv


@pytest.fixture
def mini():
    return parse_questionnaire_text(SMALL_YAML, source="mini.yaml")


def test_key_and_parse_round_trip(mini):
    for target in targets_for(mini):
        assert Target.parse(target.key) == target and str(target) == target.key
    assert Target.question("age").key == "q:age"
    assert Target.choice("services", "tuina").key == "o:services:tuina"
    assert Target.parse("o:q:a:b") == Target.choice("q", "a:b")  # a value may hold a colon
    assert Target.parse("site") == Target("site") and Target("site").special


@pytest.mark.parametrize("text", ["", "q:", "x:age", "Site", "o:services", "question"])
def test_parse_refuses_other_texts(text):
    with pytest.raises(ValueError):
        Target.parse(text)


def test_a_target_is_whole():
    with pytest.raises(ValueError):
        Target("question")  # no question id
    with pytest.raises(ValueError):
        Target("site", "age")
    with pytest.raises(ValueError):
        Target("choice", "services")  # no value


def test_targets_for_lists_specials_questions_and_multiple_choices(mini):
    keys = [t.key for t in targets_for(mini)]
    assert keys[: len(SPECIAL_TARGETS)] == [t.kind for t in SPECIAL_TARGETS]
    assert keys[len(SPECIAL_TARGETS):] == ["q:age", "q:sex", "q:used_tcm", "q:services", "o:services:acupuncture",
                                           "o:services:cupping", "o:services:tuina", "q:overall"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_labels_come_from_the_questionnaire_and_the_app_strings(mini, language):
    def strings(key: str) -> str:
        return STRINGS[key][language]

    assert Target.question("sex").label(mini, language, strings) == {"zh": "您的性别是？", "en": "Your sex"}[language]
    assert Target.choice("services", "tuina").label(mini, language, strings) == {"zh": "用过哪些服务（可多选） · 推拿",
                                                                                  "en": "Which services · Tuina"}[language]
    for target in SPECIAL_TARGETS:  # every special target has its words in both languages
        assert target.label(mini, language, strings) == STRINGS[f"imp.target.{target.kind}"][language]


def test_a_mapping_of_texts_prepares_as_a_mapping_of_targets(tmp_path, mini):
    from survey.storage import Store

    with Store.open(f"sqlite:///{tmp_path / 'm.sqlite'}") as store:
        campaign = _campaign(store, [mini])
        table = read_upload(_csv([["where", "age", "sex", "used_tcm"], ["01A", 30, "male", "no"]]), "texts.csv")
        typed = auto_map(table.columns, mini) | {"where": Target("site")}
        as_text = {column: target.key for column, target in typed.items()}
        a = prepare_import(table, mini, campaign, mapping=typed)
        b = prepare_import(table, mini, campaign, mapping=as_text)
        assert a.accepted == b.accepted and len(a.accepted) == 1 and a.mapping == b.mapping == typed
        bad = prepare_import(table, mini, campaign, mapping=as_text | {"age": "q:nope", "sex": "banana"})
        assert {(p.column, p.code) for p in bad.blocking} == {("age", "unknown_question"), ("sex", "unknown_column")}
