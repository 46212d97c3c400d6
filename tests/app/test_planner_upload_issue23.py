"""Issue 23 item 2: anonymous uploads pinned memory (the public planner took 200 MB files and kept
them for the session's 30 minutes). Now: Streamlit refuses files over 50 MB
(``server.maxUploadSize``, checked in tests/security/test_slow_clients_issue23.py), the planner's
file upload is for signed-in staff (anyone may paste a table), and an upload is dropped from
Streamlit's memory once read (``app.uploads``)."""

from __future__ import annotations

from types import SimpleNamespace

from streamlit.proto.Common_pb2 import FileURLs
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from app import uploads

from .test_planner_page import run_planner, texts


def test_issue23_2_the_public_planner_takes_a_pasted_table_and_no_file() -> None:
    at = run_planner()
    assert not at.get("file_uploader")
    radio = at.radio(key="planner.frame_source")
    assert radio.options == ["示例：柳南区 3 镇 8 街道", "粘贴抽样框表格"]
    radio.set_value("paste").run()
    assert not at.exception, at.exception
    assert not at.get("file_uploader")
    rows = "街镇\t编码\t人口\n" + "".join(f"{town}\t{town[0]}{i:02d}\t{1000 + 37 * i}\n"
                                        for town in ("城关镇", "大石镇", "东街道") for i in range(12))
    at.text_area(key="planner.paste").input(rows).run()
    assert not at.exception, at.exception
    assert "抽样框：3 个街镇，36 个村/社区" in texts(at)


def test_issue23_2_signed_in_staff_may_upload(monkeypatch) -> None:
    import app.auth

    monkeypatch.setattr(app.auth, "current_role", lambda: "admin")
    at = run_planner()
    radio = at.radio(key="planner.frame_source")
    assert radio.options[-1] == "上传本地抽样框（CSV 或 Excel）"
    radio.set_value("upload").run()
    assert not at.exception, at.exception
    assert "请先上传抽样框文件" in texts(at)


def test_issue23_2_an_upload_is_dropped_from_streamlits_memory_once_read(monkeypatch) -> None:
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    record = UploadedFileRec("file-1", "frame.csv", "text/csv", b"x" * 1_000_000)
    manager.add_file("session-1", record)
    assert manager.get_stats()  # held
    upload = UploadedFile(record, FileURLs())
    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx",
                        lambda *a, **k: SimpleNamespace(uploaded_file_mgr=manager, session_id="session-1"))
    assert uploads.take(upload) == b"x" * 1_000_000
    assert manager.get_files("session-1", ["file-1"]) == []
    assert manager._total_bytes == 0

