"""Reading and validating frames: encodings, XLSX, and errors that name file, row, column, stratum."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from sampling import Frame, FrameError
from sampling.demo import DEMO_COLUMNS, DEMO_NOTE, demo_frame

CSV = "街镇,村编码,村名,人口\n洛满镇,001,甲村,1200\n洛满镇,002,乙村,800\n流山镇,001,丙村,1,500\n"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def read(path, **kw):
    kw = {"stratum": "街镇", "psu": "村编码", "size": "人口", **kw}
    return Frame.read(path, **kw)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    text = "街镇,村编码,村名,人口\n洛满镇,001,甲村,1200\n流山镇,001,丙村,\"1,500\"\n"
    f = read(write(tmp_path, "f.csv", text, encoding))
    assert f.data["村编码"].tolist() == ["001", "001"]  # leading zeros kept
    assert f.sizes.tolist() == [1200.0, 1500.0]
    assert f.populations() == {"洛满镇": 1200.0, "流山镇": 1500.0}


def test_xlsx(tmp_path):
    df = pd.DataFrame({"街镇": ["洛满镇", "洛满镇"], "村编码": ["001", "002"], "人口": [1200, 800]})
    p = tmp_path / "frame.xlsx"
    df.to_excel(p, index=False)
    f = read(p)
    assert f.sizes.tolist() == [1200.0, 800.0]
    assert f.data["村编码"].tolist() == ["001", "002"]
    # uploaded bytes with a name, as the app passes them
    g = Frame.read(io.BytesIO(p.read_bytes()), name="upload.xlsx", stratum="街镇", psu="村编码", size="人口")
    assert g.source == "upload.xlsx" and len(g.data) == 2


@pytest.mark.parametrize(
    "text, words",
    [
        ("街镇,村编码,人\n洛满镇,001,1\n", ["f.csv", "column '人口'", "no such column", "街镇, 村编码, 人"]),
        ("街镇,村编码,人口\n洛满镇,001,abc\n", ["f.csv", "row 2", "column '人口'", "'abc' is not a number"]),
        ("街镇,村编码,人口\n洛满镇,001,10\n洛满镇,002,0\n", ["row 3", "column '人口'", "positive"]),
        ("街镇,村编码,人口\n洛满镇,001,10\n洛满镇,002,-5\n", ["row 3", "positive"]),
        ("街镇,村编码,人口\n洛满镇,001,10\n洛满镇,002,\n", ["row 3", "not a number"]),
        ("街镇,村编码,人口\n洛满镇,001,10\n,002,5\n", ["row 3", "column '街镇'", "empty"]),
        ("街镇,村编码,人口\n洛满镇,001,10\n流山镇,001,5\n洛满镇,001,7\n",
         ["stratum '洛满镇'", "column '村编码'", "'001' appears more than once", "rows 2, 4"]),
        ("", ["f.csv", "empty"]),
        ("街镇,村编码,人口\n", ["no rows"]),
    ],
)
def test_errors_name_the_place(tmp_path, text, words):
    with pytest.raises(FrameError) as exc:
        read(write(tmp_path, "f.csv", text))
    for w in words:
        assert w in str(exc.value)


def test_missing_file_and_bad_workbook(tmp_path):
    with pytest.raises(FrameError, match="nope.csv"):
        read(tmp_path / "nope.csv")
    bad = write(tmp_path, "bad.xlsx", "not a workbook")
    with pytest.raises(FrameError, match="bad.xlsx.*cannot read the workbook"):
        read(bad)


def test_undecodable(tmp_path):
    p = tmp_path / "f.csv"
    p.write_bytes(b"\xff\xfe\x00\x81\x82\xff\xff\n")
    with pytest.raises(FrameError, match="UTF-8 nor GB18030"):
        read(p)


def test_demo_frame_is_labelled_illustrative():
    f = demo_frame()
    assert f.stratum == DEMO_COLUMNS["stratum"]
    towns = list(f.populations())
    assert towns[:3] == ["太阳村镇", "洛满镇", "流山镇"] and len(towns) == 11
    assert set(f.data["数据说明"]) == {"示意数据：人口为虚构，仅供演示"}
    assert "示意" in DEMO_NOTE and "illustrative" in DEMO_NOTE
