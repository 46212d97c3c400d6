"""Paper visit logs: English or Chinese headers, AAPOR codes or words, every bad cell named by row
and column, the same log twice stored once; and the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from survey.collect.households import HouseholdSpec
from survey.collect.visit_log import VisitLogError, read_visit_log
from survey.storage import Store

from ..storage.helpers import open_spec, sites

CHINESE = (
    "调查点编码,户编号,访问时间,访问结果,调查员\n"
    "01,001,2026-12-01 09:30,完成,sun\n"
    "01,002,2026-12-01 10:00,拒访,sun\n"
    "01,003,2026-12-01,2.20,sun\n"
    "02,N-7,2026-12-02 15:00,不符合条件,li\n"
)


def test_chinese_headers_words_and_codes(tmp_path) -> None:
    path = tmp_path / "入户记录.csv"
    path.write_text(CHINESE, encoding="utf-8")
    log = read_visit_log(path, timezone="Asia/Shanghai", site_codes=["01", "02"])
    assert [(r.site_code, r.household, r.disposition, r.surveyor) for r in log.rows] == [
        ("01", "001", "1.1", "sun"), ("01", "002", "2.11", "sun"), ("01", "003", "2.20", "sun"), ("02", "N-7", "4.70", "li")]
    assert log.rows[0].visited_at == dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.timezone.utc)  # 09:30 in Beijing
    assert log.rows[2].visited_at.hour == 4  # a date alone: noon in the campaign's zone
    assert len({r.nonce for r in log.rows}) == 4 and log.filename == "入户记录.csv" and len(log.sha256) == 64
    again = read_visit_log(path, timezone="Asia/Shanghai")
    assert [r.nonce for r in again.rows] == [r.nonce for r in log.rows]


def test_every_bad_cell_is_named(tmp_path) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("site_code,household,visited_at,disposition\n"
                    "01,001,yesterday,complete\n"
                    "99,有 空格,2026-12-01,maybe\n", encoding="utf-8")
    with pytest.raises(VisitLogError) as caught:
        read_visit_log(path, timezone="Asia/Shanghai", site_codes=["01"])
    where = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert where == [(2, "visited_at", "bad_time"), (3, "site_code", "unknown_site"), (3, "household", "bad_household"),
                     (3, "disposition", "bad_disposition")]
    assert "row 3" in str(caught.value) and "visits.csv" in str(caught.value)


def test_a_missing_column_is_named(tmp_path) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("调查点编码,户编号,访问结果\n01,001,完成\n", encoding="utf-8")
    with pytest.raises(VisitLogError, match="no column visited_at"):
        read_visit_log(path, timezone="Asia/Shanghai")


def test_command_line_imports_once(tmp_path, db_url) -> None:
    from survey.questionnaire.loader import parse_questionnaire_text
    from ..storage.helpers import MINI

    with Store.open(db_url) as store:
        campaign = store.create_campaign(open_spec(), [parse_questionnaire_text(MINI)], sites(), actor="admin")
        store.assign_households(campaign.id, [HouseholdSpec("01", "001")], surveyor="sun", actor="admin")
    path = tmp_path / "入户记录.csv"
    path.write_text(CHINESE, encoding="utf-8")
    command = [sys.executable, "-m", "survey", "visits", "import", str(path), "--db", db_url, "--campaign", str(campaign.id), "--json"]
    first = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert (first["visits"], first["repeats"], first["households_added"]) == (4, 0, 3)
    second = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert (second["visits"], second["repeats"]) == (0, 4)
    with Store.open(db_url) as store:
        assert len(store.visit_log(campaign.id)) == 4
        assert {h.code: h.disposition for h in store.households(campaign.id)} == {"001": "1.1", "002": "2.11", "003": "2.20", "N-7": "4.70"}
        assert len(store.audit_log(campaign.id, actions=["visit.import"])) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("调查点编码,户编号,访问时间,访问结果\n01,009,2026-12-01,不知道\n", encoding="utf-8")
    failed = subprocess.run([*command[:5], str(bad), *command[6:]], capture_output=True, text=True)
    assert failed.returncode == 1 and "row 2" in failed.stderr and "访问结果" in failed.stderr
