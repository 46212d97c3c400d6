"""app.widgets.campaign_picker: newest first, demo campaigns marked, the page stops when there is none."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(campaigns, mark_demo=True):  # noqa: ANN001
    def script(campaigns, mark_demo):  # noqa: ANN001
        from types import SimpleNamespace

        import streamlit as st

        from app.widgets import campaign_picker

        found = [SimpleNamespace(**c) for c in campaigns]
        chosen = campaign_picker(found, key="picker", mark_demo=mark_demo)
        st.write(f"chosen {chosen.id}")

    return AppTest.from_function(script, kwargs={"campaigns": campaigns, "mark_demo": mark_demo}).run()


def test_newest_first_with_demo_marked() -> None:
    at = _page([{"id": 1, "name": "演示县", "demo": True}, {"id": 2, "name": "钦南区", "demo": False}])
    assert not at.exception, at.exception
    box = at.selectbox(key="picker")
    assert box.label == "调查活动" and box.options == ["2 · 钦南区", "1 · 【演示】演示县"]
    assert at.markdown[0].value == "chosen 2"
    box.set_value(1).run()
    assert at.markdown[0].value == "chosen 1"


def test_demo_unmarked_when_asked() -> None:
    at = _page([{"id": 1, "name": "演示县", "demo": True}], mark_demo=False)
    assert at.selectbox(key="picker").options == ["1 · 演示县"]


def test_no_campaign_stops_the_page() -> None:
    at = _page([])
    assert not at.exception and not at.selectbox and not at.markdown
    assert at.info[0].value.startswith("还没有调查活动")
