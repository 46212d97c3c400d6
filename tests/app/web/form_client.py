"""A respondent without JavaScript: reads each HTML page of the form and posts it, as a browser
with scripts off would (Starlette's TestClient or any httpx client)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Box:
    qid: str
    type: str
    hidden: bool
    inputs: list[dict[str, str]] = field(default_factory=list)
    error: str = ""


class Page(HTMLParser):
    """The parts of a form page a test needs: hidden fields, questions, buttons, messages."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html
        self.hidden: dict[str, str] = {}
        self.boxes: list[Box] = []
        self.buttons: list[tuple[str, str]] = []  # (value, text)
        self.page = ""
        self.lang = ""
        self.title = ""
        self._box: Box | None = None
        self._in: str | None = None
        self._button: str | None = None
        self._text: list[str] = []
        self._forms = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "main":
            self.page = a.get("data-page", "")
        if tag == "form":
            self._forms += 1
        if tag == "input" and a.get("type") == "hidden" and self._forms == 1:
            self.hidden.setdefault(a.get("name", ""), a.get("value", ""))
        if tag == "fieldset" and "data-q" in a:
            self._box = Box(a["data-q"], a.get("data-type", ""), "hidden" in a)
            self.boxes.append(self._box)
        if tag in ("input", "textarea") and self._box is not None:
            self._box.inputs.append(a)
        if tag == "button":
            self._button = a.get("value", "")
            self._text = []
        if tag == "p" and a.get("class") == "err" and self._box is not None:
            self._in = "err"
        if tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self._box = None
        if tag == "button" and self._button is not None:
            self.buttons.append((self._button, "".join(self._text).strip()))
            self._button = None
        if tag in ("p", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._text.append(data)
        if self._in == "err" and self._box is not None:
            self._box.error += data
        if self._in == "title":
            self.title += data

    @property
    def shown(self) -> list[Box]:
        return [b for b in self.boxes if not b.hidden]

    def has(self, action: str) -> bool:
        return any(v == action for v, _ in self.buttons)

    @property
    def errors(self) -> dict[str, str]:
        return {b.qid: b.error for b in self.boxes if b.error.strip()}


def section_fields(page: Page, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields a respondent fills on ``page`` with ``answers`` (shown questions only)."""
    out = []
    for box in page.shown:
        if box.qid not in answers or box.type == "note":
            continue
        value = answers[box.qid]
        values = value if isinstance(value, (list, tuple)) else [value]
        out.extend((f"q.{box.qid}", str(v)) for v in values)
    return out


class FormRespondent:
    """Fills a form through plain POSTs: consent, each section, submit."""

    def __init__(self, client, token: str, *, query: str = "") -> None:  # noqa: ANN001
        self.client = client
        self.url = f"/?t={token}{query}"
        self.page: Page | None = None
        self.response = None

    def open(self, lang: str | None = None) -> Page:
        self.response = self.client.get(self.url + (f"&lang={lang}" if lang else ""))
        self.page = Page(self.response.text)
        return self.page

    def post(self, action: str, fields: list[tuple[str, str]] = (), *, extra: dict[str, str] | None = None) -> Page:
        assert self.page is not None
        data = [("csrf", self.page.hidden.get("csrf", "")), ("state", self.page.hidden.get("state", "")), ("action", action),
                *fields, *(extra or {}).items()]
        self.response = self.client.post(self.url, content=_encode(data), headers={"content-type": "application/x-www-form-urlencoded"})
        self.page = Page(self.response.text)
        return self.page

    def start(self, *, mode: str | None = None, paper: tuple[str, str] | None = None) -> Page:
        """Consent and start; a surveyor's ``mode``; for ``paper`` the paper form's number and interview
        date (``YYYY-MM-DD``; default: ``P-001`` and today)."""
        fields = [("consent", "1")] + ([("mode", mode)] if mode else [])
        if mode == "paper":
            import datetime as dt

            number, date = paper or ("P-001", dt.date.today().isoformat())
            fields += [("paper_number", number), ("interview_date", date)]
        return self.post("start", fields)

    def fill(self, answers: dict[str, Any], *, submit: bool = True, max_pages: int = 20) -> Page:
        """Answer each section (posting again when a follow-up question appears), then submit."""
        assert self.page is not None
        for _ in range(max_pages):
            if self.page.page != "section":
                return self.page
            action = "submit" if self.page.has("submit") else "next"
            if action == "submit" and not submit:
                return self.page
            self.post(action, section_fields(self.page, answers))
        raise AssertionError("the form did not end")


def _encode(pairs) -> bytes:  # noqa: ANN001
    from urllib.parse import urlencode

    return urlencode(list(pairs)).encode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
