"""Helpers of the form's browser tests: a phone in WeChat, answering by tapping, axe-core, rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from survey.storage import Store

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WeChat's built-in browser on an Android phone (the user agent residents' phones send)
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 10; V2001A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/78.0.3904.62 XWEB/2691 MMWEBSDK/200901 Mobile Safari/537.36 MMWEBID/1234 "
    "MicroMessenger/7.0.19.1760(0x27001335) Process/toolsmp WeChat/arm64 NetType/4G Language/zh_CN ABI/arm64"
)


def phone(browser, width: int = 360, *, javascript: bool = True):  # noqa: ANN001, ANN201
    """A new phone-sized browser context with WeChat's user agent."""
    return browser.new_context(viewport={"width": width, "height": 740}, user_agent=WECHAT_UA, device_scale_factor=2,
                               is_mobile=True, has_touch=True, java_script_enabled=javascript, locale="zh-CN")


def axe_violations(page) -> list[dict[str, Any]]:  # noqa: ANN001
    """WCAG 2.1 A/AA violations axe-core finds on the page (injected through the debugger, so
    the page's own Content-Security-Policy stays in force)."""
    if not AXE.is_file():
        raise AssertionError("axe-core is missing: run `bash scripts/install-node.sh` (scripts/test.sh does)")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    return result


def answer_visible(page, answers: dict[str, Any]) -> None:  # noqa: ANN001
    """Tap the answers of every question on screen (again when skip logic shows another)."""
    done: set[str] = set()
    while True:
        shown = page.eval_on_selector_all("fieldset.q[data-q]:not([hidden])", "els => els.map(e => e.dataset.q)")
        todo = [qid for qid in shown if qid in answers and qid not in done]
        if not todo:
            return
        for qid in todo:
            value = answers[qid]
            box = page.locator(f"#q-{qid}")
            kind = box.get_attribute("data-type")
            if kind in ("number", "text"):
                box.locator("input,textarea").fill(str(value))
            else:
                for v in value if isinstance(value, (list, tuple)) else [value]:
                    box.locator(f"label.choice:has(input[value='{v}'])").click()
            done.add(qid)


def complete(page, answers: dict[str, Any], *, submit: bool = True, shots: list[Path] | None = None) -> None:  # noqa: ANN001
    """From the first section to the thank-you page (or to the last section when not ``submit``)."""
    for _ in range(20):
        main = page.locator("main")
        if main.get_attribute("data-page") != "section":
            return
        answer_visible(page, answers)
        if shots is not None:
            path = shots.pop(0) if shots else None
            if path:
                page.screenshot(path=str(path), full_page=True)
        primary = page.locator("button.primary")
        if primary.get_attribute("value") == "submit":
            if not submit:
                return
            primary.click()  # with the script: sent by fetch, the answer replaces the page
            page.wait_for_selector("main:not([data-page='section'])", state="attached")
            return
        with page.expect_navigation():
            primary.click()
    raise AssertionError("the form did not end")


def rows(db_url: str, campaign_id: int) -> list:
    with Store.open(db_url) as store:
        return store.responses(campaign_id)


def draft_keys(page) -> list[str]:  # noqa: ANN001
    return json.loads(page.evaluate("() => JSON.stringify(Object.keys(localStorage))"))
