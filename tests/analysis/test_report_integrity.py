"""The report's integrity blocks carry the engine's numbers: verdicts with and without open flags,
the sentence saying the verdict changes, and the per-site paradata summary."""

from __future__ import annotations

import pytest

from analysis.report import collect
from analysis.report.document import build_document, document_text, tables

from .integrity_data import build


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    store, campaign_id = build(f"sqlite:///{tmp_path_factory.mktemp('r') / 'r.sqlite'}", fakes=150)
    data = collect(store, campaign_id, answers=False)
    store.close()
    return data


def test_sensitivity_table_and_sentence(report) -> None:
    document = build_document(report, with_appendix=False, with_plots=False)
    (table,) = tables(document, "sensitivity")
    compared = report.integrity.sensitivity.table.set_index("var")
    words = {"met": "达标", "inconclusive": "尚不能确定", "not_met": "未达标", "few_sites": "调查点不足，不能单独判定"}
    for var, label in (("knowledge", "知晓率"), ("satisfaction", None)):
        k = compared.loc[var]
        row = next(r for r in table.rows if (r[0] == label if label else r[0] != "知晓率"))
        assert row[1:5] == (str(int(k.n_all)), f"{k.estimate_all * 100:.1f}%",
                            f"{k.ci_low_all * 100:.1f}%–{k.ci_high_all * 100:.1f}%", words[k.verdict_all])
        assert row[5:] == ("120", f"{k.estimate_clean * 100:.1f}%", f"{k.ci_low_clean * 100:.1f}%–{k.ci_high_clean * 100:.1f}%",
                           words[k.verdict_clean], "是" if k.depends else "否")
    # without the 150 all-satisfied fakes, satisfaction falls to about 71%: not met, and the verdict depends on them
    assert compared.loc["satisfaction", "verdict_clean"] == "not_met" and bool(compared.loc["satisfaction", "depends"])
    text = document_text(document)
    k = compared.loc["knowledge"]
    assert f"排除 150 份可疑问卷后，知晓率 {k.estimate_clean * 100:.1f}%（90%置信区间（单侧95%界限）" in text
    assert "变为未达标。" in text and "注意：上述结论取决于尚未审核的可疑问卷" in text
    assert "按质量规则标记 150 份" in text


def test_paradata_table_per_site(report) -> None:
    document = build_document(report, with_appendix=False, with_plots=False)
    (table,) = tables(document, "paradata")
    first = table.rows[0]
    assert first[:4] == ("01", "调查点1", "170", "6") and first[6:] == ("150", "88%", "150", "0")
    assert table.rows[1][5] == f"{189.5 / 60:.1f}"  # median of 180..199 seconds, in minutes
    assert "不记录受访者的 IP 地址和浏览器标识" in document_text(document)


def test_without_quality_nothing_is_added(tmp_path) -> None:
    store, campaign_id = build(f"sqlite:///{tmp_path / 'n.sqlite'}", fakes=0)
    data = collect(store, campaign_id, answers=False, quality=False)
    store.close()
    document = build_document(data, with_appendix=False, with_plots=False)
    assert tables(document, "sensitivity") == [] and tables(document, "paradata") == []
