"""Issue 23 item 6: oversized or odd form posts (a 65,534-character field, a file part, 401 fields,
a body over 64 kB) gave bare English 500/413 pages; they get the form's own Chinese notice, and an
instrument cannot allow a text answer that cannot fit in one post."""

from __future__ import annotations

import textwrap
from urllib.parse import urlencode

import pytest

from survey.questionnaire.loader import parse_questionnaire_text
from tests.app.web.form_client import FormRespondent

NOTICE = "提交的内容太多或格式不对"


def _post(client, respondent, pairs, **kwargs):  # noqa: ANN001, ANN202
    return client.post(respondent.url, content=urlencode(pairs).encode(),
                       headers={"content-type": "application/x-www-form-urlencoded"}, **kwargs)


@pytest.mark.parametrize("odd", ["401 fields", "a file part", "over 64 kB", "a huge field"])
def test_issue23_6_odd_posts_get_the_forms_chinese_notice(client, resident_token, odd) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    base = [("csrf", respondent.page.hidden["csrf"]), ("state", respondent.page.hidden["state"]), ("action", "next")]
    if odd == "401 fields":
        response = _post(client, respondent, base + [(f"f{i}", "1") for i in range(401)])
    elif odd == "a file part":
        response = client.post(respondent.url, files={"q.x": ("a.txt", b"hello")}, data=dict(base))
    elif odd == "over 64 kB":
        response = _post(client, respondent, base + [("q.x", "a" * 70_000)])
    else:
        response = client.post(respondent.url, files={"q.x": (None, "中" * 20_000)}, data=dict(base))
    assert response.status_code in (400, 413) and NOTICE in response.text, response.text[:200]
    assert "Traceback" not in response.text and response.headers["content-type"].startswith("text/html")


def test_issue23_6_a_text_answer_that_cannot_fit_in_a_post_is_refused() -> None:
    text = textwrap.dedent("""
        id: long
        version: "1"
        languages: [zh]
        title: {zh: 长}
        introduction: {zh: 说明}
        sections:
          - id: s
            title: {zh: 问题}
            questions:
              - {id: note, type: text, max_length: 65534, label: {zh: 意见}}
    """)
    with pytest.raises(Exception, match="max_length 65534 cannot fit"):
        parse_questionnaire_text(text, source="<long>")
