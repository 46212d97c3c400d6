"""Population tables: headers matched exactly against declared aliases, problems as tabular.Problem."""

from __future__ import annotations

import pandas as pd
import pytest
from tabular import Problem

from analysis.campaign import PopulationError, load_campaign_data, read_population
from analysis.campaign.population import question_aliases
from survey.questionnaire.catalog import shipped_questionnaires


def _cells(data) -> pd.DataFrame:  # noqa: ANN001
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    cells = rows.groupby(["stratum", "sex"]).size().rename("人口").reset_index()
    cells["人口"] = cells["人口"] * 1000 + 17
    return cells.rename(columns={"stratum": "乡镇", "sex": "性别"})


def test_aliases_are_id_labels_and_short_labels():
    sex = shipped_questionnaires()["resident"].question("sex")
    assert question_aliases(sex) == {"sex", "您的性别？", "yoursex?", "性别", "yoursex"}


@pytest.mark.parametrize("header", ["sex", "SEX", "性别", "您的性别？", " 性 别 ", "Your sex?"])
def test_every_declared_alias_is_accepted(demo, header):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    population = read_population(_cells(data).rename(columns={"性别": header}), data)
    assert population.columns == ("stratum", "sex") and population.questionnaire_id == "resident"


@pytest.mark.parametrize("header", ["性", "别", "性别分组", "您的性别", "城镇", "年龄段"])
def test_a_header_that_only_contains_or_is_contained_in_a_label_is_unknown(demo, header):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    with pytest.raises(PopulationError) as info:
        read_population(_cells(data).rename(columns={"性别": header}), data)
    problem = info.value.problems[0]
    assert isinstance(problem, Problem)
    assert (problem.row, problem.column, problem.code) == (1, header, "unknown_column")


def test_file_problems_name_the_file(demo, tmp_path):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    cells = _cells(data)
    cells.loc[0, "人口"] = -1
    path = tmp_path / "人口表.csv"
    cells.to_csv(path, index=False, encoding="gb18030")
    with pytest.raises(PopulationError) as info:
        read_population(path, data)
    assert [(p.file, p.row, p.column, p.code) for p in info.value.problems] == [("人口表.csv", 2, "人口", "bad_count")]
    assert str(info.value).startswith("人口表.csv: row 2, column '人口': ")


def test_an_unnamed_column_is_ignored(demo, tmp_path):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    path = tmp_path / "pop.csv"
    _cells(data).assign(extra="").rename(columns={"extra": ""}).to_csv(path, index=False)
    assert read_population(path, data).columns == ("stratum", "sex")
