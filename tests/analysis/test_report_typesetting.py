"""The reports' typesetting: Chinese line breaks in the PDF (no line starts with ，；。 or a closing
quote), Word's header and page numbers (issue 22, reports)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest

from analysis.report import collect, render
from analysis.report.linebreak import NO_END, NO_START, wrap
from survey.demo import create_demo
from survey.storage import Store


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typesetting")
    store = Store.open(f"sqlite:///{folder / 'demo.sqlite'}")
    campaign = create_demo(store, responses=300, seed=11).campaign
    yield collect(store, campaign.id), folder
    store.close()


def test_wrap_keeps_the_rules_at_every_width():
    text = ("排除 30 份可疑问卷后，满意率 83.1%（90%置信区间（单侧95%界限）80.2%–85.9%），结论由“达标”变为“尚不能确定”；"
            "请在“问卷质量审核”中核查。Korn–Graubard 法；设计效应 1.83。")
    for width in range(12, 40):  # every token fits a line (a longer one is cut where it must)
        lines = wrap(text, width, len)
        assert "".join(lines) == text
        assert all(len(line.rstrip()) <= width + 1 for line in lines), (width, lines)  # a mark may hang
        assert not any(line[0] in NO_START for line in lines[1:] if line), (width, lines)
        assert not any(line.rstrip()[-1] in NO_END for line in lines[:-1] if line.strip()), (width, lines)
        if width >= 12:  # every number fits a line: none is cut
            assert not any(re.search(r"\d$", a) and re.match(r"[\d.%]", b) for a, b in zip(lines, lines[1:])), (width, lines)


def test_no_pdf_line_starts_with_a_closing_mark(report):
    data, folder = report
    pdf = folder / "report.pdf"
    pdf.write_bytes(render(data, "pdf"))
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: scripts/apt-test.txt installs poppler-utils")
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    starts = [line.strip() for line in text.splitlines() if line.strip()]
    bad = [line for line in starts if line[0] in "，；。、：”’）"]
    assert not bad, bad[:5]
    assert "—–—" not in text


def test_word_has_a_header_and_page_numbers(report):
    data, _ = report
    document = docx.Document(io.BytesIO(render(data, "docx")))
    section = document.sections[0]
    assert section.different_first_page_header_footer  # not on the cover
    assert "调查评估报告" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in section.footer.paragraphs[0].text
