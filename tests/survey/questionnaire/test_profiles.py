"""survey.questionnaire.profiles: the one profile reader and its one contract (raise, or find_ for None); each
profile's scope and scoring per indicator, re-scoring stored responses under another profile, and
instruments keyed for one jurisdiction refused under another."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from survey.campaign import CampaignError, CampaignSpec, SiteSpec
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.checks import check_paths
from survey.demo import create_demo
from survey.errors import ProfileError, QuestionnaireError
from survey.questionnaire.profiles import find_profile, load_profile, load_profiles, parse_profile
from survey.questionnaire.scoring import rescore, score
from survey.collect.simulate import simulate_answers
from survey.storage import Store


def test_unknown_profile_raises_listing_the_known_ones():
    known = sorted(load_profiles())
    assert "default" in known
    with pytest.raises(ProfileError) as caught:
        load_profile("nowhere")
    assert "no profile 'nowhere'" in str(caught.value)
    assert all(pid in str(caught.value) for pid in known)
    assert isinstance(caught.value, QuestionnaireError)


def test_find_profile_returns_none_for_an_unknown_id():
    assert find_profile("nowhere") is None
    assert find_profile("default") == load_profile("default")


def test_threshold_raises_and_find_threshold_returns_none():
    profile = load_profile("default")
    indicator = next(iter(profile.thresholds))
    assert profile.threshold(indicator) == profile.find_threshold(indicator) == profile.thresholds[indicator]
    assert profile.find_threshold("no_such_indicator") is None
    with pytest.raises(ProfileError, match="profile 'default' has no threshold for 'no_such_indicator'; its indicators: "):
        profile.threshold("no_such_indicator")


def test_broken_profile_file_reports_its_problems(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("id: broken\nname: {zh: 坏, en: Broken}\nsource: {zh: 无, en: none}\nthresholds: {satisfaction: 1.5}\n", encoding="utf-8")
    monkeypatch.setenv("TCM_SURVEY_PROFILES", str(tmp_path))
    assert find_profile("broken") is None
    with pytest.raises(ProfileError, match="strictly between 0 and 1"):
        load_profile("broken")


GRASSROOTS = {"township_centre", "community_centre", "village_clinic"}
TCM_ROLES = {"tcm_physician", "xizhong_physician", "rural_doctor_tcm", "tcm_pharmacist"}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with Store.open(f"sqlite:///{path}") as store:
        result = create_demo(store, responses=400, seed=11)
        yield store, result.campaign


def test_shipped_profiles_state_a_source_for_every_indicator():
    literacy = {"literacy", "lit_concepts", "lit_lifestyle", "lit_methods", "lit_culture", "lit_information", "literacy_score"}
    for pid in ("default", "qinzhou", "liunan"):
        profile = load_profile(pid)
        extra = literacy if pid == "qinzhou" else set()  # 钦州's plan also sets the 素养 target
        assert set(profile.indicators) == {"satisfaction", "knowledge", "service_awareness", "staff_policy"} | extra
        for scope in profile.indicators.values():
            assert scope.source["zh"] and scope.source["en"]
            assert scope.scoring_source is not None
            assert scope.official == ("mean" if scope.indicator == "literacy_score" else "share")
    assert "非官方" in load_profile("default").name["zh"]
    assert "国家" in load_profile("default").source["zh"] and "并非" in load_profile("default").source["zh"]


def test_rescoring_demo_responses_gives_each_plans_satisfaction_denominator(demo_store):
    store, campaign = demo_store
    assert campaign.profile_id == "liunan"
    resident = shipped_questionnaires()["resident"]
    rows = [r for r in store.responses(campaign.id) if r.questionnaire_id == "resident"]
    qinzhou, liunan = load_profile("qinzhou"), load_profile("liunan")
    under_q = [rescore(resident, r.answers, qinzhou)["satisfaction"] for r in rows]
    under_l = [rescore(resident, r.answers, liunan)["satisfaction"] for r in rows]
    sites = [r.answers.get("sat_site") for r in rows]
    # 钦州 item 37: county-level hospitals and grassroots institutions; 柳南 item 39: grassroots only;
    # neither counts private clinics or hospitals outside the county
    expected_q = sum(s in GRASSROOTS | {"county_hospital"} for s in sites)
    expected_l = sum(s in GRASSROOTS for s in sites)
    assert sum(v is not None for v in under_q) == expected_q
    assert sum(v is not None for v in under_l) == expected_l
    assert expected_q > expected_l > 0
    assert any(s in ("private_clinic", "outside_county") for s in sites)
    # the stored scores are the campaign's profile's (liunan)
    assert [r.scores["satisfaction"] for r in rows] == under_l
    # and re-scoring changes no instrument: the stored hash is the instrument's
    assert {r.version_hash for r in rows} == {resident.version_hash}


def test_staff_denominator_is_tcm_staff_of_the_plans_institutions():
    quiz = shipped_questionnaires()["staff_policy"]
    rng = np.random.default_rng(3)
    answers = [simulate_answers(quiz, rng) for _ in range(300)]
    qinzhou, liunan = load_profile("qinzhou"), load_profile("liunan")
    in_q = [a for a in answers if score(quiz, a, profile=qinzhou)["staff_policy"] is not None]
    in_l = [a for a in answers if score(quiz, a, profile=liunan)["staff_policy"] is not None]
    assert all(a["staff_role"] in TCM_ROLES for a in in_q + in_l)  # no nurses, no "other"
    assert all(a["staff_institution"] != "county_hospital" for a in in_l)  # 柳南: 基层 only
    assert any(a["staff_institution"] == "county_hospital" for a in in_q)  # 钦州: 县级 + 基层
    expected_q = sum(a["staff_role"] in TCM_ROLES and a["staff_institution"] != "other" for a in answers)
    assert len(in_q) == expected_q


def test_profile_points_and_cutoff_change_scores_not_the_hash():
    resident = shipped_questionnaires()["resident"]
    before = resident.version_hash
    answers = {"resident_6m": "yes", "age_group": "35_44", "sex": "female", "education": "tertiary", "residence": "urban",
               "used_tcm": "no",
               # knowledge: both multi-selects right (2 + 2), 3 single/true-false right: 7 of 12 points,
               # but 5 of 10 items (correct_share 0.5)
               "k_aims": "tonics", "k_zhiweibing": ["prevent_before", "prevent_worsening", "prevent_relapse"],
               "k_food_medicine": "true", "k_exercises": ["taijiquan", "baduanjin", "wuqinxi"], "k_yongquan": "sole",
               "k_decoction_pot": "iron", "k_winter_sleep": "true", "k_constitutions": "9", "k_moxibustion": "dont_know",
               "k_scraping": "dont_know",
               "sa_services": ["dont_know"], "sa_elderly": "dont_know", "sa_child": "dont_know", "sa_insurance": "dont_know",
               "sa_tcm_clinic": "dont_know", "sa_family_doctor": "dont_know", "sa_constitution_place": "dont_know",
               "sa_county_hospital": "dont_know"}
    assert score(resident, answers)["knowledge"] == 0  # 7 / 12 < 0.6
    strict, _ = parse_profile(
        {"id": "x", "name": {"zh": "甲", "en": "X"}, "source": {"zh": "文", "en": "doc"}, "thresholds": {"knowledge": 0.9},
         "indicators": {"knowledge": {"source": {"zh": "文", "en": "doc"}, "rule": "points() >= 0.55 * max_points()"}}},
        "x.yaml")
    assert score(resident, answers, profile=strict)["knowledge"] == 1  # 7 / 12 >= 0.55
    flat, _ = parse_profile(
        {"id": "y", "name": {"zh": "乙", "en": "Y"}, "source": {"zh": "文", "en": "doc"}, "thresholds": {"knowledge": 0.9},
         "indicators": {"knowledge": {"source": {"zh": "文", "en": "doc"}, "points": {"multiple": 1},
                                      "rule": "points() >= 0.5 * max_points()"}}},
        "y.yaml")
    assert score(resident, answers, profile=flat)["knowledge"] == 1  # 5 of 10 at 1 point each
    assert score(resident, answers, profile=flat)["knowledge_score"] == pytest.approx(7 / 12)  # not scoped: own points
    assert resident.version_hash == before


def test_screened_out_response_is_in_no_denominator():
    resident = shipped_questionnaires()["resident"]
    assert score(resident, {"resident_6m": "no"}) == {i.id: None for i in resident.indicators}
    assert score(resident, {"resident_6m": "yes", "age_group": "under_15"}) == {i.id: None for i in resident.indicators}


def test_campaign_refuses_target_items_keyed_for_another_profile(tmp_path):
    quizzes = shipped_questionnaires()
    spec = CampaignSpec("测试", "liunan", dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    site = SiteSpec("01A", "甲卫生院", "甲镇", "township_centre")
    with Store.open(f"sqlite:///{tmp_path / 'c.sqlite'}") as store:
        with pytest.raises(CampaignError, match="keyed for profile 'qinzhou'"):
            store.create_campaign(spec, [quizzes["resident"], quizzes["staff_policy_qinzhou"]], [site], actor="test")
        assert store.campaigns() == []
        ok = store.create_campaign(spec, [quizzes["resident"], quizzes["staff_policy_liunan"]], [site], actor="test")
        assert {i.questionnaire_id for i in ok.instruments} == {"resident", "staff_policy_liunan"}
        common = store.create_campaign(CampaignSpec("通用", "qinzhou", dt.date(2026, 1, 1), dt.date(2026, 2, 1)),
                                       [quizzes["staff_policy"]], [site], actor="test")
        assert common.profile_id == "qinzhou"


def test_target_items_follow_each_plan():
    quizzes = shipped_questionnaires()
    keys = {name: {q.id: q.answer for q in quizzes[name].questions if q.id.startswith("tgt_")}
            for name in ("staff_policy_qinzhou", "staff_policy_liunan")}
    assert keys["staff_policy_qinzhou"]["tgt_physician_share"] == "p20"  # seed 000 item 10
    assert keys["staff_policy_liunan"]["tgt_physician_share"] == "p25"  # seed 001 item 26
    assert keys["staff_policy_qinzhou"]["tgt_visit_share"] == "p30"  # item 15
    assert keys["staff_policy_liunan"]["tgt_visit_share"] == "p35"  # item 29
    assert keys["staff_policy_qinzhou"]["tgt_techniques_centres"] == "c6"  # item 13: 6类以上
    assert keys["staff_policy_liunan"]["tgt_techniques_centres"] == "c6_t10"  # item 30: 6类10项
    assert keys["staff_policy_qinzhou"]["tgt_village_clinics"] == "p70"  # item 13
    assert keys["staff_policy_qinzhou"]["tgt_tcm_clinic"] == "p95"  # item 9
    assert keys["staff_policy_liunan"]["tgt_tcm_clinic"] == "p100"  # item 22
    for name, document in (("staff_policy_qinzhou", "《钦州市创建全国基层中医药工作先进单位任务分解表》"),
                           ("staff_policy_liunan", "《2024年柳南区创建全国基层中医药工作示范县实施方案》")):
        for q in quizzes[name].questions:
            if q.id.startswith("tgt_"):
                assert document in q.label["zh"], q.id
    common = quizzes["staff_policy"]
    assert not any(q.id.startswith("tgt_") for q in common.questions)
    assert not any(q.id in ("law_in_force", "law_chapters", "law_adopted_by") for q in common.questions)


def test_profile_scope_naming_unknown_question_is_a_check_problem(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "id: bad\nname: {zh: 坏, en: Bad}\nsource: {zh: 文, en: doc}\nthresholds: {satisfaction: 0.8}\n"
        "indicators:\n  satisfaction:\n    source: {zh: 文, en: doc}\n    applies_if: \"${nowhere} = 'x'\"\n"
        "    official: median\n",
        encoding="utf-8")
    messages = [str(p) for p in check_paths([folder / "bad.yaml"]).problems]
    assert any("indicators.satisfaction: applies_if refers to unknown question 'nowhere'" in m for m in messages)
    assert any("official: expected one of ['share', 'mean']" in m for m in messages)


def test_profiles_are_parsed_once_until_a_file_changes(tmp_path, monkeypatch):
    import os

    from survey.questionnaire import profiles

    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nname: {zh: 我的, en: Mine}\nsource: {zh: 无, en: none}\nthresholds: {satisfaction: 0.8}\n",
                    encoding="utf-8")
    monkeypatch.setenv("TCM_SURVEY_PROFILES", str(tmp_path))
    parsed = []
    real = profiles.parse_profile_file
    monkeypatch.setattr(profiles, "parse_profile_file", lambda p: parsed.append(p) or real(p))
    assert find_profile("mine").thresholds["satisfaction"] == 0.8
    first = len(parsed)
    assert first >= 1
    for _ in range(3):  # a refresh, a submission, the campaign's profile again: no parse
        assert "mine" in load_profiles() and find_profile("mine") is not None
    assert len(parsed) == first
    load_profiles().clear()  # callers get a copy
    assert "mine" in load_profiles()
    path.write_text(path.read_text(encoding="utf-8").replace("0.8", "0.85"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert find_profile("mine").thresholds["satisfaction"] == 0.85 and len(parsed) > first
