"""The one table of header aliases: every reader takes its words from it, no word a reader accepted
before is lost, and the table stays a leaf (no survey, sampling, analysis or app import)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tabular import aliases
from tabular.aliases import FRAME_HINTS, POPULATION_TABLE, RESPONSE_IMPORT, SITE_FILE, STRATUM, guess_column

ROOT = Path(__file__).resolve().parents[2]

# The words each reader accepted before the table (issue 18); the table may add, never drop.
BEFORE = {
    "site file stratum": (SITE_FILE["stratum"], ("stratum", "township", "乡镇", "乡镇街道", "乡镇（街道）", "层")),
    "site file code": (SITE_FILE["code"], ("code", "site_code", "编号", "代码", "机构编号")),
    "site file population": (SITE_FILE["population"], ("population", "人口", "常住人口")),
    "population stratum": (POPULATION_TABLE["stratum"], ("stratum", "township", "乡镇", "乡镇街道", "乡镇（街道）", "街镇", "层")),
    "population count": (POPULATION_TABLE["count"], ("count", "population", "n", "人口", "人口数", "人数", "数量", "常住人口")),
    "import site": (RESPONSE_IMPORT["site"], ("site", "site_code", "sitecode", "调查点", "调查点编号", "机构编号", "站点", "站点编号",
                                             "编号（调查点）")),
    "import duration": (RESPONSE_IMPORT["duration_s"], ("duration_s", "所用时间", "答题时长", "duration")),
}


@pytest.mark.parametrize("name", list(BEFORE))
def test_no_word_is_lost(name):
    now, before = BEFORE[name]
    assert set(before) <= set(now)


def test_site_files_and_population_tables_share_the_township_words():
    assert SITE_FILE["stratum"] is STRATUM and POPULATION_TABLE["stratum"] is STRATUM
    assert set(SITE_FILE["stratum"]) - set(BEFORE["site file stratum"][1]) == {"街镇"}  # the one widening
    assert SITE_FILE["stratum"][:6] == BEFORE["site file stratum"][1]  # earlier words still win first


def test_every_reader_uses_the_table():
    from analysis.campaign.population import COUNT_NAMES, STRATUM_NAMES
    from survey.campaign import COLUMN_ALIASES
    from survey.collect.imports.mapping import FIELD_ALIASES

    assert COLUMN_ALIASES is SITE_FILE
    assert STRATUM_NAMES is POPULATION_TABLE["stratum"] and COUNT_NAMES is POPULATION_TABLE["count"]
    assert {kind: words for kind, (words, _) in FIELD_ALIASES.items()} == {k: set(v) for k, v in RESPONSE_IMPORT.items()}


def test_import_words_are_lower_case():
    assert all(word == word.lower() for words in RESPONSE_IMPORT.values() for word in words)


def test_a_site_file_with_the_demo_frames_township_header(tmp_path):
    from survey.campaign import read_frame

    path = tmp_path / "plan.csv"
    path.write_text("街镇,名称,类型\n太阳村镇,太阳村镇卫生院,乡镇卫生院\n", encoding="utf-8")
    assert [s.stratum for s in read_frame(path)] == ["太阳村镇"]


@pytest.mark.parametrize(("columns", "field", "fallback", "expected"), [
    (["街镇", "单位编码", "单位名称", "类型", "常住人口"], "stratum", 0, 0),
    (["街镇", "单位编码", "单位名称", "类型", "常住人口"], "psu", 1, 1),
    (["街镇", "单位编码", "单位名称", "类型", "常住人口"], "size", 2, 4),
    (["Township", "Village", "Pop"], "psu", 1, 1),  # no hint: the fallback
    (["a", "b"], "size", 2, 1),  # a fallback past the end: the last column
])
def test_guess_column(columns, field, fallback, expected):
    assert guess_column(columns, FRAME_HINTS[field], fallback) == expected


def test_the_table_is_a_leaf():
    tree = ast.parse(Path(aliases.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m.split(".")[0] for m in imported} & {"survey", "sampling", "analysis", "app", "streamlit"}


def test_import_maps_the_site_words():
    from survey.collect.imports import Target, auto_map
    from survey.questionnaire.loader import parse_questionnaire_text
    from tests.survey.collect.test_imports import SMALL_YAML

    q = parse_questionnaire_text(SMALL_YAML, source="mini.yaml")
    for word in RESPONSE_IMPORT["site"]:
        assert auto_map([word.upper()], q)[word.upper()] == Target("site")
