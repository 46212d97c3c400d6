"""Texts put in place of Streamlit's own English (app/chrome.py)."""

STRINGS = {
    "chrome.upload": {"zh": "选择文件", "en": "Upload"},
    "chrome.upload_limit": {"zh": "或把文件拖到这里 · 每个文件不超过 {mb}MB", "en": "{mb}MB per file"},
}
