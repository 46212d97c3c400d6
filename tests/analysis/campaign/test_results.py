"""Campaign results: the engine's numbers for the campaign's design, weighting choices, population
tables checked by row and column, the incremental response cache, LQAS, next steps, empty state."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign
from analysis.campaign import (
    Filters,
    PopulationError,
    ResponseCache,
    ResultOptions,
    compute_results,
    load_campaign_data,
    read_population,
)
from survey.campaign import CampaignSpec
from survey.questionnaire.catalog import shipped_questionnaires
from survey.demo import STRATA, create_demo, demo_sites
from survey.storage import Store


def test_estimates_are_the_engines_for_the_campaign_design(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    results = compute_results(data)
    rows = data.table[data.table["questionnaire_id"] == "resident"].reset_index(drop=True)
    # design weights from the illustrative stratum populations: N_h / n_h
    population = {name: pop for name, _, pop in STRATA}
    n_h = rows.groupby("stratum").size()
    rows["w"] = rows["stratum"].map(lambda s: population[s] / n_h[s])
    design = SurveyDesign(rows, weights="w", strata="stratum", psu="psu", lonely_psu="adjust", nest=True)
    thresholds = {"satisfaction": 0.90, "knowledge": 0.90, "service_awareness": 0.85}  # liunan profile
    expected = design.proportion(list(thresholds), by="stratum", ci="beta", level=0.95, threshold=thresholds)
    got = results.by_stratum()
    got = got[got["questionnaire_id"] == "resident"]
    for var in thresholds:
        a = expected[expected["var"] == var].set_index("domain")
        b = got[got["var"] == var].set_index("domain").loc[a.index]
        for column in ("n", "estimate", "se", "ci_low", "ci_high", "deff", "df"):
            np.testing.assert_allclose(b[column].astype(float), a[column].astype(float), rtol=1e-12)
        assert list(b["verdict"]) == list(a["verdict"])
    overall = results.overall().set_index("var")
    county = design.proportion(list(thresholds), ci="beta", threshold=thresholds).set_index("var")
    np.testing.assert_allclose(overall.loc[list(thresholds), "estimate"].astype(float), county["estimate"].astype(float), rtol=1e-12)
    assert results.design_notes["questionnaires"]["resident"]["weights"] == "population"
    assert results.design_notes["questionnaires"]["staff_policy_liunan"]["weights"] == "equal_staff"


def test_weighting_choices_and_filters(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    equal = compute_results(data, ResultOptions(weighting="equal"))
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    plain = rows["knowledge"].mean()
    assert float(equal.overall().set_index("var").loc["knowledge", "estimate"]) == pytest.approx(plain, rel=1e-12)
    no_surveyor = compute_results(data, ResultOptions(filters=Filters(include_surveyor=False)))
    assert no_surveyor.excluded == int((data.table["source"] == "surveyor").sum()) > 0
    assert (no_surveyor.responses["source"] != "surveyor").all()
    today = data.table["submitted_at"].max().tz_convert(campaign.timezone).date()
    recent = compute_results(data, ResultOptions(filters=Filters(date_from=today)))
    assert 0 < len(recent.responses) < len(data.table)


def _population_frame(data):
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    cells = rows.groupby(["stratum", "sex"]).size().reset_index()
    cells["人口"] = cells[0] * 1000 + 17
    cells = cells.drop(columns=[0]).rename(columns={"stratum": "乡镇", "sex": "性别"})
    cells["性别"] = cells["性别"].map({"male": "男", "female": "女"})
    return cells


def test_poststratify_and_rake_to_an_uploaded_table(demo, tmp_path):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    frame = _population_frame(data)
    path = tmp_path / "pop.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    population = read_population(path, data)
    assert population.columns == ("stratum", "sex")
    post = compute_results(data, ResultOptions(weighting="poststratify", population=population))
    rows = data.table[data.table["questionnaire_id"] == "resident"].reset_index(drop=True)
    population_n = {name: pop for name, _, pop in STRATA}
    n_h = rows.groupby("stratum").size()
    rows["w"] = rows["stratum"].map(lambda s: population_n[s] / n_h[s])
    design = SurveyDesign(rows, weights="w", strata="stratum", psu="psu", lonely_psu="adjust", nest=True)
    design = design.poststratify(["stratum", "sex"], dict(population.cells))
    expected = design.proportion("knowledge", ci="beta")
    got = post.overall().set_index("var").loc["knowledge"]
    assert float(got["se"]) == pytest.approx(float(expected["se"].iloc[0]), rel=1e-12)
    weights = post.responses.loc[post.responses["questionnaire_id"] == "resident", "weight"]
    assert weights.sum() == pytest.approx(sum(population.cells.values()))
    raked = compute_results(data, ResultOptions(weighting="rake", population=population))
    assert raked.design_notes["questionnaires"]["resident"]["calibrated"] == "rake"
    staff = raked.responses.loc[raked.responses["questionnaire_id"] == "staff_policy_liunan", "weight"]
    assert (staff == 1).all()  # staff are never calibrated to resident population counts


def test_population_table_problems_name_row_and_column(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    frame = _population_frame(data)
    bad = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # a cell twice (row = last + 2)
    bad.loc[1, "乡镇"] = "不存在镇"
    bad.loc[2, "人口"] = -5
    with pytest.raises(PopulationError) as info:
        read_population(bad, data)
    problems = {(p.row, p.column) for p in info.value.problems}
    assert (3, "乡镇") in problems and (4, "人口") in problems and (len(bad) + 1, None) in problems
    with pytest.raises(PopulationError, match="unknown column"):
        read_population(frame.assign(收入=1), data)
    short = frame.iloc[1:]
    with pytest.raises(PopulationError, match="which the table does not list"):
        read_population(short, data)
    extra = pd.concat([frame, pd.DataFrame({"乡镇": ["太阳村镇"], "性别": ["男"], "人口": [5]})]).drop_duplicates(["乡镇", "性别"])
    assert len(extra) == len(frame)


def test_cache_fetches_only_new_responses(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'cache.sqlite'}")
    campaign = create_demo(store, responses=60, seed=3).campaign
    cache = ResponseCache(campaign.id)
    first = cache.refresh(store)
    assert cache.fetched == 60 and len(first.table) == 60
    version = cache.version
    cache.refresh(store)
    assert cache.fetched == 0 and cache.version == version
    resident = store.questionnaire(campaign.instrument_for("resident").version_hash)
    from survey.collect.simulate import simulate_answers

    rng = np.random.default_rng(1)
    for i in range(3):
        store.submit(campaign.id, "01A", resident, simulate_answers(resident, rng), nonce=f"cache-test-{i:04d}")
    updated = cache.refresh(store)
    assert cache.fetched == 3 and cache.version != version
    full = load_campaign_data(store, campaign.id).table
    def plain(frame: pd.DataFrame) -> pd.DataFrame:  # text columns: missing is missing, None or NaN
        frame = frame.reset_index(drop=True).astype(object)
        return frame.where(frame.notna(), None)

    pd.testing.assert_frame_equal(plain(updated.table), plain(full))
    store.close()


def test_lqas_and_next_steps(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    results = compute_results(data, ResultOptions(lqas={"knowledge": (19, 13)}))
    lq = results.lqas
    assert set(lq["classification"]) <= {"meets", "does_not_meet", "incomplete"}
    assert len(lq) == len(STRATA)
    rows = data.table[(data.table["questionnaire_id"] == "resident") & data.table["knowledge"].notna()].sort_values("submitted_at", kind="stable")
    first = rows[rows["stratum"] == STRATA[0][0]]["knowledge"].to_numpy()[:19]
    row = lq[lq["stratum"] == STRATA[0][0]].iloc[0]
    assert row["successes"] == first.sum() and row["sampled"] == len(first)
    kinds = {s.kind for s in results.next_steps}
    assert kinds & {"more_responses", "few_sites"}
    township = results.by_stratum()
    # a verdict is NA where no response is in the denominator or the cell is suppressed (fewer than 3)
    too_few = {(r.questionnaire_id, r.domain) for r in township.itertuples()
               if isinstance(r.verdict, str) and r.verdict == "few_sites"}
    assert too_few and all(r.df < 3 for r in township.itertuples() if isinstance(r.verdict, str) and r.verdict == "few_sites")
    few = {(s.questionnaire_id, s.stratum) for s in results.next_steps if s.kind == "few_sites"}
    assert few == too_few  # two sites per township (df = 1): more sites, not more responses there
    for step in results.next_steps:
        if step.kind == "few_sites":
            df = int(township[(township["questionnaire_id"] == step.questionnaire_id)
                              & (township["domain"] == step.stratum)]["df"].iloc[0])
            assert step.count == df + 1 and step.sites_to_add == 3 - df
    for step in results.next_steps:
        if step.kind == "more_responses" and not step.close_call:
            assert step.count > 0


def test_watch_flags_are_reported_per_township(demo):
    store, campaign = demo
    results = compute_results(load_campaign_data(store, campaign.id))
    watch = results.watch
    assert set(watch["flag"]) <= {"passed", "failed", "open", "few_sites"}
    assert set(watch.loc[watch["scope"] == "stratum", "domain"]) == {s for s, _, _ in STRATA}
    # a hint never where no verdict can be had: the few-site rows of the estimates are few-site rows here
    estimates = results.estimates
    for w in watch.itertuples(index=False):
        e = estimates[(estimates["questionnaire_id"] == w.questionnaire_id) & (estimates["var"] == w.var)
                      & (estimates["scope"] == w.scope)]
        if w.scope == "stratum":
            e = e[e["domain"] == w.domain]
        verdict = e["verdict"].iloc[0]
        assert (w.flag == "few_sites") == (isinstance(verdict, str) and verdict == "few_sites"), w


def test_watch_flags_name_their_design_effect_for_what_it_holds(demo):
    """The flags deflate counts by the unweighted design's design effect (at least 1): its column is
    ``unweighted_deff``, not ``deff``, which in the estimates is the weighted design's."""
    from analysis.sequential import design_effects

    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    results = compute_results(data)
    watch = results.watch
    assert "unweighted_deff" in watch.columns and "deff" not in watch.columns
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    rows = rows[rows["satisfaction"].notna()].reset_index(drop=True)
    unweighted = design_effects(rows.assign(_psu=pd.factorize(rows["psu"])[0]), "satisfaction", psu="_psu",
                                strata="stratum")["all"]
    county = watch[(watch["var"] == "satisfaction") & (watch["scope"] == "overall")]
    assert float(county["unweighted_deff"].iloc[0]) == pytest.approx(unweighted, rel=1e-12)
    weighted = results.overall().set_index("var").loc["satisfaction", "deff"]
    assert float(weighted) != pytest.approx(unweighted, rel=1e-6)  # two different numbers, two names


def test_empty_campaign_is_an_empty_state(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    today = dt.date(2026, 1, 1)
    campaign = store.create_campaign(
        CampaignSpec("空活动", "liunan", today, today + dt.timedelta(days=9)),
        [shipped_questionnaires()["resident"]],
        [replace(s, quotas={"resident": s.quotas["resident"]}) for s in demo_sites()[:4]], actor="test",
    )
    results = compute_results(load_campaign_data(store, campaign.id))
    assert results.is_empty and results.estimates.empty and results.watch.empty
    assert len(results.progress) == 4 and (results.progress["responses"] == 0).all()
    assert {s.kind for s in results.next_steps} == {"no_responses"}
    store.close()
