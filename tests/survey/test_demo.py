"""``python -m survey demo``: a labelled demo campaign with simulated responses, on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey.storage import Store

from .storage.helpers import pg_base_url, pg_schema_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'demo.sqlite'}"
        return
    url, schema, admin = pg_schema_url(pg_base_url())
    yield url
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TCM_SURVEY_DB"}
    return subprocess.run([sys.executable, "-m", "survey", "demo", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_demo_campaign(url: str) -> None:
    result = run_demo("--db", url, "--responses", "120", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["responses"] == 120 and summary["simulated"] is True and summary["demo"] is True
    with Store.open(url) as store:
        campaign = store.campaign(summary["campaign"])
        assert campaign.demo and "演示" in campaign.name and "模拟" in campaign.name
        assert campaign.contact_phone and "演示" in campaign.contact_phone  # the form's first screen shows it
        assert campaign.status() == "open"
        assert {s.stratum for s in campaign.sites} == {
            "太阳村镇", "洛满镇", "流山镇", "柳南街道", "柳石街道", "南站街道", "河西街道", "鹅山街道", "银山街道", "南环街道", "潭西街道",
        }
        assert len(campaign.sites) == 22
        assert all(s.extra.get("illustrative") is True and s.stratum_population for s in campaign.sites)
        # the demo profile is liunan: its staff quiz is the one keyed from 柳南's plan
        assert {i.questionnaire_id for i in campaign.instruments} == {"resident", "staff_policy_liunan"}
        stored = store.responses(campaign.id)
        assert len(stored) == 120
        assert all(r.simulated for r in stored)
        assert {r.questionnaire_id for r in stored} == {"resident", "staff_policy_liunan"}
        table = store.response_frame(campaign.id)
        assert table["simulated"].all()
        assert 0.3 < table["knowledge"].mean() < 1
    # a second demo is another campaign; the first keeps its rows
    again = run_demo("--db", url, "--responses", "3", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["campaign"] == summary["campaign"] + 1


def test_demo_same_seed_same_answers(tmp_path) -> None:
    answers = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.sqlite"
        assert run_demo("--db", url, "--responses", "20", "--seed", "7").returncode == 0
        with Store.open(url) as store:
            answers.append(sorted((r.site_code, str(r.answers)) for r in store.responses(1)))
    assert answers[0] == answers[1]


def test_demo_bad_input(tmp_path) -> None:
    bad_profile = run_demo("--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--profile", "nowhere")
    assert bad_profile.returncode == 1 and "nowhere" in bad_profile.stderr
    unreachable = run_demo("--db", "postgresql://demo:pw@127.0.0.1:9/none", "--responses", "1")
    assert unreachable.returncode == 1 and "cannot reach the database" in unreachable.stderr and "pw" not in unreachable.stderr
    negative = run_demo("--db", f"sqlite:///{tmp_path / 'y.sqlite'}", "--responses", "-1")
    assert negative.returncode == 2


def test_library_imports_neither_streamlit_nor_sampling() -> None:
    code = (
        "import sys\n"
        "import survey.storage, survey.campaign, survey.campaign.tokens, survey.campaign.keys, survey.campaign.qr, survey.campaign.posters, survey.demo\n"
        "import survey.commands.demo, survey.commands.posters\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'sampling'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
