"""The demo frame shipped with the project: 柳南区 (Liunan District, Liuzhou), its 3 towns and 8
street offices, with one row per village or community.

The villages, communities, codes and populations are ILLUSTRATIVE (made up for demonstration);
only the township names come from the district's creation plan. Every row says so in the column
``数据说明``. Use a real frame from the county's statistics for a real survey.
"""

from __future__ import annotations

from pathlib import Path

from .frame import Frame

__all__ = ["DEMO_FRAME_PATH", "DEMO_COLUMNS", "DEMO_NOTE", "demo_frame"]

DEMO_FRAME_PATH = Path(__file__).with_name("data") / "liunan_demo_frame.csv"
DEMO_COLUMNS = {"stratum": "街镇", "psu": "单位编码", "name": "单位名称", "type": "类型", "size": "常住人口"}
DEMO_NOTE = "示意数据：人口为虚构，仅供演示 / illustrative populations, for demonstration only"


def demo_frame() -> Frame:
    """The 柳南区 demo frame (illustrative populations), validated."""
    return Frame.read(DEMO_FRAME_PATH, stratum=DEMO_COLUMNS["stratum"], psu=DEMO_COLUMNS["psu"], size=DEMO_COLUMNS["size"])
