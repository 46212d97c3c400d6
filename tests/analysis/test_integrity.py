"""Response integrity of a campaign: flags with review state, exclusion and verdict sensitivity."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.campaign import compute_results, load_campaign_data
from analysis.integrity import analysis_data, load_quality, sensitivity

from .integrity_data import build

NUMBERS = ["n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "verdict"]


@pytest.fixture
def campaign(tmp_path):
    store, campaign_id = build(f"sqlite:///{tmp_path / 'c.sqlite'}")
    yield store, campaign_id
    store.close()


def test_the_phone_of_the_clinic_is_flagged(campaign) -> None:
    store, cid = campaign
    quality = load_quality(store, cid)
    doc = quality.to_json()
    assert list(doc) == ["responses", "flagged", "by_site"] and doc["responses"] == 150
    fakes = {r.id for r in store.responses(cid) if r.nonce.startswith("fake-")}
    first = min(fakes)
    flagged = {f["id"]: f for f in doc["flagged"]}
    assert set(flagged) == fakes  # the honest ones are not flagged
    assert "same_device" not in flagged[first]["reasons"] and "too_fast" in flagged[first]["reasons"]
    assert all({"same_device", "too_fast"} <= set(flagged[i]["reasons"]) for i in fakes - {first})
    assert all(list(f) == ["id", "site", "reasons"] and f["site"] == "01" for f in doc["flagged"])
    site = {s["site"]: s for s in doc["by_site"]}
    assert site["01"]["responses"] == 50 and site["01"]["flagged"] == 30 and site["01"]["open"] == 30
    assert site["02"]["flagged"] == 0 and site["02"]["median_duration_s"] == pytest.approx(189.5)
    assert len(store.responses(cid)) == 150  # flags delete nothing


def test_exclusion_equals_the_engine_on_the_reduced_set(campaign, tmp_path) -> None:
    store, cid = campaign
    quality = load_quality(store, cid)
    excluded = sorted(quality.open_ids)[:12]
    store.review(cid, excluded, "excluded", reason="同一手机连续提交", actor="evaluator")
    quality = load_quality(store, cid)
    assert quality.excluded_ids == frozenset(excluded) and len(quality.open_ids) == 18
    data = load_campaign_data(store, cid)
    shown = compute_results(analysis_data(data, quality)).estimates
    # an independent reference: a database that never had those twelve responses
    nonces = {r.id: r.nonce for r in store.responses(cid)}
    gone = {nonces[i] for i in excluded}
    reference_store, reference_id = build(f"sqlite:///{tmp_path / 'reduced.sqlite'}", keep=lambda n: n not in gone)
    reference = compute_results(load_campaign_data(reference_store, reference_id)).estimates
    reference_store.close()
    pd.testing.assert_frame_equal(shown[NUMBERS].reset_index(drop=True), reference[NUMBERS].reset_index(drop=True))
    assert int(shown.loc[shown["scope"] == "overall", "n"].iloc[-1]) == 138
    assert len(store.responses(cid)) == 150  # the stored rows stay


def test_sensitivity_says_when_the_verdict_depends_on_flags(campaign) -> None:
    store, cid = campaign
    data = load_campaign_data(store, cid)
    quality = load_quality(store, cid)
    compared = sensitivity(data, quality)
    table = compared.table.set_index("var")
    assert table.loc["knowledge", "removed"] == 30 and table.loc["knowledge", "n_all"] == 150
    assert table.loc["knowledge", "n_clean"] == 120
    clean = compute_results(analysis_data(data, quality, exclude_flagged=True)).overall().set_index("var")
    assert table.loc["knowledge", "estimate_clean"] == clean.loc["knowledge", "estimate"]
    assert list(table["depends"]) == [a != b for a, b in zip(table["verdict_all"], table["verdict_clean"])]
    words = {"met": "达标", "not_met": "未达标", "inconclusive": "尚不能确定"}
    k = table.loc["knowledge"]
    sentence = next(s for s in compared.sentences("zh", {("mini", "knowledge"): "知晓率"}) if "知晓率" in s)
    expected = (f"排除 30 份可疑问卷后，知晓率 {k.estimate_clean * 100:.1f}%（90%置信区间（单侧95%界限） {k.ci_low_clean * 100:.1f}%–"
                f"{k.ci_high_clean * 100:.1f}%），")
    assert sentence.startswith(expected)
    if k.depends:
        assert sentence.endswith(f"结论由{words[k.verdict_all]}变为{words[k.verdict_clean]}。")
    else:
        assert sentence.endswith(f"结论仍为{words[k.verdict_clean]}。")
    english = compared.sentences("en", {("mini", "knowledge"): "knowledge"})
    assert any(s.startswith("Without the 30 flagged responses, knowledge is") for s in english)


def test_the_verdict_changes_when_the_flags_carry_it(tmp_path) -> None:
    # 150 fakes that are all satisfied lift satisfaction near 90%; without them it is about 71%
    store, cid = build(f"sqlite:///{tmp_path / 'many.sqlite'}", fakes=150)
    try:
        compared = sensitivity(load_campaign_data(store, cid), load_quality(store, cid))
    finally:
        store.close()
    k = compared.table.set_index("var").loc["satisfaction"]
    assert k.verdict_clean == "not_met" and k.verdict_all != "not_met" and bool(k.depends) and compared.depends
    assert any("结论由" in s and "变为未达标" in s for s in compared.sentences("zh"))


def test_approved_responses_count_again(campaign) -> None:
    store, cid = campaign
    quality = load_quality(store, cid)
    store.review(cid, sorted(quality.open_ids), "approved", reason="核实：诊所组织的集中填写", actor="admin")
    quality = load_quality(store, cid)
    assert quality.open_ids == frozenset() and quality.excluded_ids == frozenset()
    compared = sensitivity(load_campaign_data(store, cid), quality)
    assert (compared.table["removed"] == 0).all() and not compared.depends and compared.sentences("zh") == []


def test_without_open_flags_the_results_are_computed_once(campaign) -> None:
    store, cid = campaign
    quality = load_quality(store, cid)
    store.review(cid, sorted(quality.open_ids), "approved", reason="核实", actor="admin")
    data, quality = load_campaign_data(store, cid), load_quality(store, cid)
    compared = sensitivity(data, quality)
    assert compared.results_clean is compared.results_all  # the same rows: the same results
    alone = compute_results(analysis_data(data, quality))
    pd.testing.assert_frame_equal(compared.results_all.estimates, alone.estimates)


def test_the_clean_results_may_skip_the_watching_flags(campaign) -> None:
    store, cid = campaign
    data, quality = load_campaign_data(store, cid), load_quality(store, cid)
    full, quiet = sensitivity(data, quality), sensitivity(data, quality, watch_clean=False)
    pd.testing.assert_frame_equal(full.table, quiet.table)  # the comparison does not read them
    pd.testing.assert_frame_equal(full.results_all.watch, quiet.results_all.watch)
    assert len(full.results_clean.watch) and not len(quiet.results_clean.watch)


def test_the_side_not_shown_is_computed_for_the_comparison_alone(campaign) -> None:
    store, cid = campaign
    data, quality = load_campaign_data(store, cid), load_quality(store, cid)
    full = sensitivity(data, quality)
    for shown, kept, other in (("all", "results_all", "results_clean"), ("clean", "results_clean", "results_all")):
        part = sensitivity(data, quality, shown=shown)
        pd.testing.assert_frame_equal(full.table, part.table)  # the same comparison
        pd.testing.assert_frame_equal(getattr(full, kept).estimates, getattr(part, kept).estimates)
        pd.testing.assert_frame_equal(getattr(full, kept).watch, getattr(part, kept).watch)
        alone = getattr(part, other)
        assert alone.design_notes.get("overall_only") and set(alone.estimates["scope"]) == {"overall"}
        pd.testing.assert_frame_equal(getattr(full, other).overall(), alone.overall())
        assert not len(alone.watch) and not alone.next_steps
    with pytest.raises(ValueError, match="shown"):
        sensitivity(data, quality, shown="both")
