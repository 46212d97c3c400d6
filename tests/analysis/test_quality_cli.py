"""python -m analysis quality (the DESIGN.md contract) and --exclude-flagged of estimate and report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.__main__ import main

from .integrity_data import build


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    store, campaign_id = build(url)
    fakes = sorted(r.id for r in store.responses(campaign_id) if r.nonce.startswith("fake-"))
    store.close()
    return url, campaign_id, fakes


def test_quality_json_contract(capsys, db) -> None:
    url, cid, fakes = db
    code, out, err = run(capsys, "quality", "--db", url, "--campaign", str(cid), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["responses", "flagged", "by_site"] and doc["responses"] == 150
    assert [f["id"] for f in doc["flagged"]] == fakes
    assert all(list(f) == ["id", "site", "reasons"] and f["site"] == "01" for f in doc["flagged"])
    assert doc["flagged"][0]["reasons"] == ["too_fast"] and doc["flagged"][1]["reasons"] == ["too_fast", "same_device"]
    assert [s["site"] for s in doc["by_site"]] == ["01", "02", "03", "04", "05", "06"]
    assert doc["by_site"][0]["flagged"] == 30 and doc["by_site"][0]["share_flagged"] == pytest.approx(0.6)


def test_quality_text_and_errors(capsys, db) -> None:
    url, cid, _ = db
    code, out, _ = run(capsys, "quality", "--db", url, "--campaign", str(cid))
    assert code == 0 and out.startswith("responses: 150, flagged: 30, open: 30, excluded: 0")
    code, _, err = run(capsys, "quality", "--db", url, "--campaign", "99")
    assert code == 1 and "no campaign with id 99" in err


def test_report_exclude_flagged(capsys, db, tmp_path) -> None:
    url, cid, _ = db
    code, out, err = run(capsys, "report", "--db", url, "--campaign", str(cid), "--out", str(tmp_path / "all.csv"),
                         "--responses-csv", str(tmp_path / "responses.csv"), "--json")
    assert code == 0, err
    everything = json.loads(out)
    assert everything["responses"] == 150 and everything["exclude_flagged"] is False
    knowledge = next(r for r in everything["sensitivity"] if r["var"] == "knowledge")
    assert (knowledge["n_all"], knowledge["n_clean"], knowledge["removed"]) == (150, 120, 30)
    code, out, err = run(capsys, "report", "--db", url, "--campaign", str(cid), "--out", str(tmp_path / "clean.csv"),
                         "--exclude-flagged", "--json")
    assert code == 0, err
    clean = json.loads(out)
    assert clean["responses"] == 120 and clean["exclude_flagged"] is True
    row = next(r for r in clean["estimates"] if r["indicator"] == "knowledge" and r["scope"] == "overall")
    assert row["estimate"] == pytest.approx(knowledge["estimate_clean"], rel=1e-12)

    # the responses file marks the open flags; estimate --exclude-flagged leaves them out
    responses = tmp_path / "responses_mini.csv"
    frame = pd.read_csv(responses, encoding="utf-8-sig")
    assert int(frame["flagged"].sum()) == 30 and set(frame.loc[frame["flagged"], "site"].astype(str).str.zfill(2)) == {"01"}
    code, out, err = run(capsys, "estimate", str(responses), "--var", "knowledge", "--exclude-flagged", "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["n"] == 120
    code, out, err = run(capsys, "estimate", str(responses), "--var", "knowledge", "--json")
    assert json.loads(out)["results"][0]["n"] == 150


def test_estimate_exclude_flagged_needs_the_column(capsys, tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("knowledge\n1\n0\n", encoding="utf-8")
    code, _, err = run(capsys, "estimate", str(data), "--var", "knowledge", "--exclude-flagged")
    assert code == 2 and "needs a column 'flagged'" in err
    data.write_text("knowledge,flagged\n1,true\n0,maybe\n", encoding="utf-8")
    code, _, err = run(capsys, "estimate", str(data), "--var", "knowledge", "--exclude-flagged")
    assert code == 2 and "row 3, column 'flagged': 'maybe' is not true or false" in err
