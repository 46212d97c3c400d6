"""Uploaded files are read once and dropped from memory (issue 23 item 2).

Streamlit keeps an upload's bytes in its upload manager until the browser removes the file or its
session ends (30 minutes after it disconnects), so every file uploaded stayed in the server's
memory for that long. :func:`take` returns the bytes and drops Streamlit's copy at once; the page
keeps what it parsed from them (much smaller) instead. Streamlit refuses files over
``server.maxUploadSize`` (50 MB, ``.streamlit/config.toml``) before any page sees them.
"""

from __future__ import annotations

from typing import Any


def take(upload: Any) -> bytes:
    """The bytes of a ``st.file_uploader`` file; Streamlit's own copy is removed."""
    data = upload.getvalue()
    drop(upload)
    return data


def drop(upload: Any) -> None:
    """Remove an uploaded file from Streamlit's upload manager (nothing outside a script run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    file_id = getattr(upload, "file_id", None)
    if ctx is not None and file_id:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)
    upload.close()


__all__ = ["drop", "take"]
