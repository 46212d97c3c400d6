"""The form's POST bodies are read by ``parse_urlencoded``: the fields and limits of Starlette's parser."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.datastructures import Headers
from starlette.formparsers import FormParser, MultiPartException

from app.web.routes import MAX_FIELD_BYTES, MAX_FIELDS, parse_urlencoded

BODIES = [b"", b"a=1&b=2", b"a=1&&b=", b"x", b"a+b=c+d%20e&%E4%B8%AD=%E6%96%87", b"q.x=1&q.x=2&q.x=3", b"=v&k=",
          b"a=%zz%", b"a=1=2", b"&&", b"a=%C3%28", b"a=1;b=2", b"state=abc.def_-&js=1"]


def _starlette(body: bytes):
    async def stream():
        yield body
        yield b""

    parser = FormParser(Headers({"content-type": "application/x-www-form-urlencoded"}), stream(),
                        max_part_size=MAX_FIELD_BYTES, max_fields=MAX_FIELDS)
    with ThreadPoolExecutor(1) as pool:  # its own thread: an earlier test (a browser's) may leave a loop running in this one
        return pool.submit(asyncio.run, parser.parse()).result()


@pytest.mark.parametrize("body", BODIES)
def test_the_fields_are_those_starlette_reads(body: bytes) -> None:
    assert list(parse_urlencoded(body).multi_items()) == list(_starlette(body).multi_items())


@pytest.mark.parametrize(("body", "refused"), [
    (b"&".join(b"f%d=1" % i for i in range(MAX_FIELDS)), False),
    (b"&".join(b"f%d=1" % i for i in range(MAX_FIELDS + 1)), True),
    (b"a=" + b"x" * (MAX_FIELD_BYTES - 1), False),
    (b"a=" + b"x" * MAX_FIELD_BYTES, True),
])
def test_the_limits_are_starlettes(body: bytes, refused: bool) -> None:
    for parse in (parse_urlencoded, _starlette):
        if refused:
            with pytest.raises(MultiPartException):
                parse(body)
        else:
            parse(body)


def test_a_huge_urlencoded_field_gets_the_forms_notice(client, resident_token) -> None:
    from tests.app.web.form_client import FormRespondent, _encode

    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    pairs = [("csrf", respondent.page.hidden["csrf"]), ("state", respondent.page.hidden["state"]), ("action", "next"),
             ("q.x", "中" * 6000)]  # 54 kB as posted: under the body limit, over a field's
    response = client.post(respondent.url, content=_encode(pairs), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code in (400, 413) and "提交的内容太多或格式不对" in response.text
