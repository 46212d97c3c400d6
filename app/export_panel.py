"""The dashboard's 报告与数据下载 view: each file (Excel workbook, Word report, PDF report, estimates
CSV, one responses CSV per questionnaire) is made on demand by its own button, with a status line,
then offered for download. The report's data (``analysis.report.collect``) are assembled once per
data version and choices and shared by the files; a file made stays until the data or choices change."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from app.i18n import language, t

#: file name -> (file-name suffix, MIME type)
FILES = {
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (".pdf", "application/pdf"),
    "csv_estimates": ("-estimates.csv", "text/csv"),
}
STATE = "dash.export.files"


def make_file(report: Any, name: str) -> bytes:
    """The bytes of one file of ``report`` (``xlsx``, ``docx``, ``pdf``, ``csv_estimates`` or
    ``csv_responses.<questionnaire id>``)."""
    from analysis.report import render

    if name.startswith("csv_responses."):
        from analysis.report.data import responses_frame
        from analysis.report.exports import csv_bytes

        return csv_bytes(responses_frame(report, name.split(".", 1)[1]))
    return render(report, "csv" if name == "csv_estimates" else name)


def render(export_key: tuple, report: Callable[[], Any], questionnaires: dict[str, str], stem: str) -> None:
    """One row per file: a button that makes it (only it), then its download button.

    ``export_key``: data version and choices (files made under another key are dropped);
    ``report()``: the report's data, assembled on first use; ``questionnaires``: id -> title."""
    st.caption(t("dash.export.intro"))
    made = st.session_state.get(STATE)
    if not made or made.get("key") != export_key:
        if made:
            st.caption(t("dash.export.stale"))
        made = {"key": export_key}
        st.session_state[STATE] = made
    rows = [(name, t(f"dash.export.file.{name}"), t(f"dash.export.{name}"), *FILES[name]) for name in FILES]
    rows += [(f"csv_responses.{qid}", t("dash.export.file.csv_responses", questionnaire=title),
              t("dash.export.csv_responses", questionnaire=title), f"-responses-{qid}.csv", "text/csv")
             for qid, title in questionnaires.items()]
    for name, what, download, suffix, mime in rows:
        left, right = st.columns(2, vertical_alignment="center")
        if name not in made:
            spaced = " " + what if language() == "zh" and what[:1].isascii() else what  # 生成 Excel 工作簿, 生成“…”
            if left.button(t("dash.export.make", file=spaced), key=f"dash.export.make.{name}", icon=":material/description:",
                           width="stretch"):
                with left.status(t("dash.export.making", file=what), expanded=False) as status:
                    start = time.perf_counter()
                    made[name] = make_file(report(), name)
                    made[f"{name}.seconds"] = time.perf_counter() - start
                    status.update(label=t("dash.export.made", file=what, seconds=made[f"{name}.seconds"]), state="complete")
        else:
            left.caption(t("dash.export.made", file=what, seconds=made.get(f"{name}.seconds", 0.0)))
        if name in made:
            right.download_button(download, made[name], f"{stem}{suffix}", key=f"dash.export.{name}", mime=mime,
                                  on_click="ignore", icon=":material/download:", width="stretch")
    st.caption(t("dash.export.csv_help"))


__all__ = ["FILES", "make_file", "render"]
