"""Frame and plan files: sites read from CSV/XLSX; every bad row named by file, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from survey.campaign import Campaign, CampaignError, CampaignSpec, SiteFileError, SiteSpec, read_frame, short_ids

QUESTIONNAIRE_IDS = ["resident", "staff_policy"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_csv_frame(tmp_path) -> None:
    frame = write(
        tmp_path / "frame.csv",
        "code,name,stratum,kind,quota,quota_staff_policy,population,note\n"
        "T1,太阳村镇卫生院,太阳村镇,乡镇卫生院,30,8,42000,主院\n"
        "T2,太阳村示例村卫生室,太阳村镇,village_clinic,15,,,\n",
    )
    sites = read_frame(frame, questionnaire_ids=QUESTIONNAIRE_IDS)
    assert [s.code for s in sites] == ["T1", "T2"]
    assert sites[0].kind == "township_centre" and sites[0].psu == "T1"
    assert sites[0].quotas == {"resident": 30, "staff_policy": 8}
    assert sites[1].quotas == {"resident": 15, "staff_policy": 15}
    assert sites[0].population == 42000 and sites[0].extra == {"note": "主院"}


def test_sampling_plan_with_take_and_weights(tmp_path) -> None:
    plan = write(
        tmp_path / "plan.csv",
        "township,village,clinic,type,size,inclusion_prob,person_prob,take,weight\n"
        "洛满镇,V01,洛满村卫生室,村卫生室,1200,0.4,0.01,12,100.0\n"
        "洛满镇,V07,新村卫生室,村卫生室,800,0.27,0.015,12,66.7\n",
    )
    sites = read_frame(plan, columns={"name": "clinic", "kind": "type"}, questionnaire_ids=["resident"])
    assert [(s.code, s.stratum, s.psu) for s in sites] == [("01", "洛满镇", "V01"), ("02", "洛满镇", "V07")]
    assert sites[0].quotas == {"resident": 12} and sites[0].inclusion_prob == 0.4 and sites[0].design_weight == 100.0
    assert sites[0].extra == {"size": "1200", "person_prob": "0.01"}


def test_plan_says_whose_population(tmp_path) -> None:
    """``population`` is the site's own; a plan's ``stratum_size`` is the stratum's, ``stratum_psus`` its N_h."""
    plan = write(
        tmp_path / "plan.csv",
        "township,village,clinic,type,population,take,weight,stratum_psus,stratum_size\n"
        "洛满镇,V01,洛满村卫生室,村卫生室,1200,12,100.0,9,31000\n"
        "洛满镇,V07,新村卫生室,村卫生室,800,12,66.7,9,31000\n",
    )
    sites = read_frame(plan, columns={"name": "clinic", "kind": "type"}, questionnaire_ids=["resident"])
    assert [s.population for s in sites] == [1200, 800]
    assert [s.stratum_population for s in sites] == [31000, 31000]
    assert [s.stratum_psus for s in sites] == [9, 9]
    assert sites[0].extra == {}
    frame = write(tmp_path / "frame.csv", "name,stratum,kind,乡镇人口\n甲卫生院,甲镇,乡镇卫生院,5000\n")
    (site,) = read_frame(frame)
    assert site.stratum_population == 5000 and site.population is None


def test_gb18030_csv_from_chinese_excel(tmp_path) -> None:
    frame = write(tmp_path / "gbk.csv", "机构名称,乡镇,机构类型,配额\n流山镇卫生院,流山镇,乡镇卫生院,20\n", encoding="gb18030")
    (site,) = read_frame(frame, questionnaire_ids=["resident"])
    assert (site.name, site.stratum, site.kind, site.quotas) == ("流山镇卫生院", "流山镇", "township_centre", {"resident": 20})


def test_xlsx_frame(tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "stratum", "kind", "quota"])
    sheet.append(["河西街道社区卫生服务中心", "河西街道", "社区卫生服务中心", 25])
    sheet.append([None, None, None, None])
    sheet.append(["河西示例站", "河西街道", "community_station", 10.0])
    book.save(tmp_path / "frame.xlsx")
    sites = read_frame(tmp_path / "frame.xlsx", questionnaire_ids=["resident"])
    assert [(s.code, s.kind, s.quotas["resident"]) for s in sites] == [("01", "community_centre", 25), ("02", "community_station", 10)]


def test_missing_column_named(tmp_path) -> None:
    frame = write(tmp_path / "f.csv", "name,kind\n甲,村卫生室\n")
    with pytest.raises(SiteFileError) as caught:
        read_frame(frame)
    message = str(caught.value)
    assert f"{frame}: row 1, column 'stratum': missing column 'stratum'" in message
    assert "乡镇" in message  # the accepted names are listed


def test_bad_rows_named_by_row_and_column(tmp_path) -> None:
    frame = write(
        tmp_path / "f.csv",
        "code,name,stratum,kind,quota\n"
        "01,甲,镇,村卫生室,10\n"
        "02,,镇,村卫生室,10\n"
        "03,丙,镇,诊所,10\n"
        "01,丁,镇,村卫生室,10\n"
        "05,甲,镇,村卫生室,ten\n"
        "0 6,戊,镇,村卫生室,1.5\n",
    )
    with pytest.raises(SiteFileError) as caught:
        read_frame(frame, questionnaire_ids=["resident"])
    problems = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "site name is empty" in problems[(3, "name")]
    assert "unknown site kind '诊所'" in problems[(4, "kind")]
    assert "duplicate site code '01' (first on row 2)" in problems[(5, "code")]
    assert "duplicate site '甲' in '镇' (first on row 2)" in problems[(6, "name")]
    assert "expected a number, got 'ten'" in problems[(6, "quota")]
    assert "site code '0 6'" in problems[(7, "code")]
    assert "expected a whole number" in problems[(7, "quota")]
    assert str(frame) in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "the file is empty"),
        ("header.csv", "name,stratum,kind\n", "no sites"),
        ("frame.ods", "x", "unsupported file type '.ods'"),
        ("twice.csv", "name,name,stratum,kind\n", "appears twice"),
    ],
)
def test_unusable_files(tmp_path, name, content, message) -> None:
    with pytest.raises(SiteFileError, match=message):
        read_frame(write(tmp_path / name, content))
    with pytest.raises(SiteFileError, match="file not found"):
        read_frame(tmp_path / "missing.csv")


def test_site_and_campaign_specs_checked() -> None:
    with pytest.raises(CampaignError, match="kind 'clinic'"):
        SiteSpec("01", "甲", "镇", "clinic")
    with pytest.raises(CampaignError, match="quota"):
        SiteSpec("01", "甲", "镇", "village_clinic", quotas={"resident": -1})
    with pytest.raises(CampaignError, match="closes"):
        CampaignSpec("x", "liunan", dt.date(2026, 5, 2), dt.date(2026, 5, 1))
    with pytest.raises(CampaignError, match="time zone"):
        CampaignSpec("x", "liunan", dt.date(2026, 5, 1), dt.date(2026, 5, 2), timezone="Mars/Olympus")


def test_short_ids_and_status() -> None:
    assert short_ids(["resident", "staff_policy", "second"]) == ["r", "s", "s2"]
    campaign = Campaign(id=1, name="x", profile_id="liunan", opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 5, 31))
    at = dt.datetime(2026, 5, 31, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 in Beijing
    assert campaign.status(at) == "open"
    assert campaign.status(at + dt.timedelta(minutes=2)) == "closed"
    with pytest.raises(ValueError, match="aware"):
        campaign.status(dt.datetime(2026, 5, 3))
