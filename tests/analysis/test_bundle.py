"""The results bundle: R's survey package and this package recompute every number from its CSVs,
and ``verify`` finds an edited cell, a removed row and a response added to the database."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey.demo as demo
from analysis.__main__ import main
from analysis.bundle import build_bundle, write_bundle
from analysis.campaign import ResultOptions, load_campaign_data, read_population
from analysis.reproduce import compare, max_relative_difference
from analysis.verify import verify_bundle
from survey.storage import Store

ROOT = Path(__file__).resolve().parents[2]
STRATUM_PSUS = 6  # PSUs in each stratum's frame: 2 of 6 sampled, a first-stage fpc


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """The demo with a first-stage fpc (every site gives its stratum's PSUs), and a population
    table by township and sex for post-stratification."""
    path = tmp_path_factory.mktemp("bundle") / "demo.sqlite"
    url = f"sqlite:///{path}"
    store = Store.open(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "SiteSpec", functools.partial(demo.SiteSpec, stratum_psus=STRATUM_PSUS))
        created = demo.create_demo(store, responses=260, seed=2).campaign  # a seed whose verdicts include met
    data = load_campaign_data(store, created.id)
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    cells = rows.groupby(["stratum", "sex"]).size().rename("count").reset_index()
    cells["count"] = cells["count"] * 900 + 31
    options = ResultOptions(weighting="poststratify", population=read_population(cells, data))
    yield store, url, created, options
    store.close()


@pytest.fixture(scope="module")
def bundles(campaign, tmp_path_factory):
    store, _, created, options = campaign
    out = {}
    for exclude in (False, True):
        folder = tmp_path_factory.mktemp(f"bundle{int(exclude)}")
        bundle = build_bundle(store, created.id, options, exclude_flagged=exclude)
        path = write_bundle(bundle, folder / "bundle.zip")
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder / "files")
        out[exclude] = (bundle, path, folder / "files")
    return out


def _results(files: Path, name: str = "results.json") -> list[dict]:
    return json.loads((files / name).read_text(encoding="utf-8"))["results"]


def test_the_manifest_lists_every_file_with_its_sha256(bundles):
    bundle, path, files = bundles[False]
    manifest = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist()) - {"manifest.json"}
    assert names == set(manifest["files"])
    for name, entry in manifest["files"].items():
        content = (files / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest() and entry["bytes"] == len(content)
    assert {"responses.csv", "sites.csv", "population.csv", "indicators.csv", "profile.yaml", "reviews.csv", "audit.csv",
            "results.json", "results.csv", "reproduce.R", "reproduce.py"} <= names
    assert any(n.startswith("instruments/resident-") and n.endswith(".yaml") for n in names)
    assert manifest["tool"] == "tcm-survey" and manifest["version"]
    assert manifest["options"]["weighting"] == "poststratify" and manifest["options"]["exclude_flagged"] is False
    assert manifest["fingerprint"]["sha256"] == bundle.fingerprint.sha256
    responses = pd.read_csv(files / "responses.csv", encoding="utf-8-sig")
    assert "device_hash" not in responses.columns and "suggestions" not in responses.columns  # no free text
    assert {"base_weight", "weight", "stratum", "psu", "stratum_psus", "satisfaction"} <= set(responses.columns)
    sites = pd.read_csv(files / "sites.csv", encoding="utf-8-sig")
    assert (sites["stratum_psus"] == STRATUM_PSUS).all()
    audit = pd.read_csv(files / "audit.csv", encoding="utf-8-sig")
    assert "campaign.created" in set(audit["action"]) and "新建调查活动" in set(audit["action_zh"])


def test_the_design_has_strata_clusters_fpc_and_post_stratification(bundles):
    files = bundles[False][2]
    indicators = pd.read_csv(files / "indicators.csv", encoding="utf-8-sig", keep_default_na=False)
    resident = indicators[indicators["questionnaire_id"] == "resident"]
    assert set(resident["fpc"]) == {"stratum_psus"} and set(resident["calibrated"]) == {"poststratify"}
    responses = pd.read_csv(files / "responses.csv", encoding="utf-8-sig")
    assert responses["stratum"].nunique() > 5 and responses["psu"].nunique() > responses["stratum"].nunique()
    assert len(pd.read_csv(bundles[True][2] / "responses.csv", encoding="utf-8-sig")) < len(responses)


def _has_survey() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, timeout=120).returncode == 0


@pytest.mark.r_reference
@pytest.mark.skipif(not _has_survey(), reason="Rscript with the survey package is not installed")
@pytest.mark.parametrize("exclude", [False, True], ids=["all", "exclude_flagged"])
def test_r_survey_reproduces_every_number(bundles, exclude):
    _, _, files = bundles[exclude]
    (files / "reproduced.json").unlink(missing_ok=True)
    proc = subprocess.run(["Rscript", str(files / "reproduce.R"), str(files)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected, got = _results(files), _results(files, "reproduced.json")
    assert len(got) == len(expected)
    assert compare(expected, got, tolerance=1e-9) == []
    assert max_relative_difference(expected, got) < 1e-9
    judged = [r for r in expected if r["verdict"] is not None]
    assert judged and {r["verdict"] for r in judged} >= {"met", "few_sites"}
    assert "largest relative difference from results.csv" in proc.stdout


@pytest.mark.parametrize("exclude", [False, True], ids=["all", "exclude_flagged"])
def test_reproduce_py_agrees(bundles, exclude):
    _, _, files = bundles[exclude]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(files / "reproduce.py"), str(files)], capture_output=True, text=True,
                          timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "all agree" in proc.stdout
    assert compare(_results(files), _results(files, "reproduced.json")) == []


def test_verify_passes_on_a_fresh_bundle(bundles, campaign, capsys):
    _, url, _, _ = campaign
    for _, path, _ in bundles.values():
        assert main(["verify", str(path), "--db", url]) == 0
    assert "every file matches" in capsys.readouterr().out


def _rewrite(path: Path, out: Path, name: str, edit) -> Path:  # noqa: ANN001
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, edit(content) if info.filename == name else content)
    return out


def _edit_cell(content: bytes) -> bytes:
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = int(np.flatnonzero((frame["questionnaire_id"] == "resident") & (frame["satisfaction"] == "1.0"))[0])
    frame.loc[row, "satisfaction"] = "0.0"
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def test_verify_names_the_file_and_row_of_an_edited_cell(bundles, tmp_path, capsys):
    _, path, files = bundles[False]
    edited = _rewrite(path, tmp_path / "edited.zip", "responses.csv", _edit_cell)
    lines = verify_bundle(edited)
    assert any(line.startswith("responses.csv: SHA-256 differs") for line in lines)
    changed = [line for line in lines if line.startswith("responses.csv row") and "changed" in line]
    assert len(changed) == 1 and "response_id" in changed[0]
    assert any(line.startswith("results.json row") and "estimate" in line for line in lines)  # the rate moved
    assert main(["verify", str(edited)]) == 1
    assert "responses.csv row" in capsys.readouterr().out


def test_verify_names_a_removed_row(bundles, tmp_path):
    _, path, _ = bundles[False]

    def drop(content: bytes) -> bytes:
        lines = content.split(b"\n")
        return b"\n".join(lines[:5] + lines[6:])

    lines = verify_bundle(_rewrite(path, tmp_path / "removed.zip", "responses.csv", drop))
    assert any(line.startswith("responses.csv: row 6 of the bundle as made") and "removed" in line for line in lines)


def test_verify_names_an_edited_result(bundles, tmp_path):
    _, path, _ = bundles[False]

    def edit(content: bytes) -> bytes:
        document = json.loads(content)
        document["results"][0]["estimate"] += 0.01
        return json.dumps(document).encode("utf-8")

    lines = verify_bundle(_rewrite(path, tmp_path / "result.zip", "results.json", edit))
    assert any(line.startswith("results.json: SHA-256 differs") for line in lines)
    assert any(line.startswith("results.json row 1 ") and "estimate" in line for line in lines)


def test_verify_says_a_response_was_added_to_the_database(tmp_path, capsys):
    from survey.collect.simulate import simulate_answers
    from survey.collect.submission import Submission

    url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    with Store.open(url) as store:
        created = demo.create_demo(store, responses=80, seed=3).campaign
        path = write_bundle(build_bundle(store, created.id), tmp_path / "small.zip")
        assert verify_bundle(path, store) == []
        questionnaire = store.campaign_questionnaires(created)[0]
        site = next(s for s in created.sites if s.quotas.get(questionnaire.id))
        answers = simulate_answers(questionnaire, np.random.default_rng(1))
        store.submit_batch(created.id, [Submission(site.code, questionnaire, answers, nonce="after-the-bundle",
                                                   source="qr", simulated=True)])
    assert main(["verify", str(path), "--db", url]) == 1
    out = capsys.readouterr().out
    assert "database (campaign" in out and "responses changed since the bundle was made" in out
    assert "80 responses then, 81 now" in out


def test_every_report_prints_the_bundles_fingerprint(bundles, campaign):
    from analysis.report import collect
    from analysis.report.document import build_document, document_text
    from analysis.report.excel import design_sheet

    store, _, created, options = campaign
    for exclude, (bundle, _, _) in bundles.items():
        report = collect(store, created.id, options, answers=False, exclude_flagged=exclude)
        assert report.fingerprint == bundle.fingerprint
        text = document_text(build_document(report, with_appendix=False, with_plots=False))
        assert f"数据指纹：共 {bundle.fingerprint.responses} 份问卷，SHA-256 前 16 位 {bundle.fingerprint.short}" in text
        assert "R 语言 survey 软件包" in text
        sheet = design_sheet(report).set_index("item")["value"]
        assert sheet["fingerprint_sha256"] == bundle.fingerprint.sha256 and "R survey" in sheet["reference"]
    assert bundles[False][0].fingerprint.sha256 != bundles[True][0].fingerprint.sha256  # the options differ


def test_the_frame_digest_encodes_each_cell_as_before():
    """Remembering the JSON of repeated plain values changes no byte of the digested CSV."""
    import hashlib
    import json

    import numpy as np
    import pandas as pd

    from analysis.fingerprint import _frame_digest, _plain

    frame = pd.DataFrame({
        "a": ["是", "否", "是", None, 3, 3.5, -0.0, 0.0, True, 1, np.nan, ["x", "y"], {"k": 1}, "是"],
        "b": [pd.Timestamp("2026-01-01T00:00Z"), pd.Timestamp("2026-01-01T08:00+08:00"), *[None] * 12],
    })
    frame["b"] = frame["b"].astype(object)
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].map(lambda v: json.dumps(_plain(v), ensure_ascii=False, default=str))
    expected = hashlib.sha256(out.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")).hexdigest()
    assert _frame_digest(frame) == expected


@pytest.mark.parametrize("values", [
    ["a", None, "b", "a", float("nan"), "中文", '"quoted", comma'],
    ["1", None, pd.NA, "x"],
    [None, None],
    ["a", 1, 1.0, True, None, ["p", "q"], {"k": 1}, float("nan"), -0.0, 0.0],
])
def test_a_text_column_is_encoded_as_cell_by_cell(values) -> None:
    from analysis.fingerprint import _json_cell, _json_column

    column = pd.Series(values, dtype=object)
    assert _json_column(column).tolist() == column.map(_json_cell()).tolist()
