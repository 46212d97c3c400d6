"""Issue 14, item 16 (PDF part): rare CJK (𠀀 𪚥) and emoji in names reach the PDF, from a fallback
font or as a visible mark, never dropped silently. The pages are rendered with pdftoppm to
``artifacts/report/security-glyphs-*.png`` for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from analysis.report import collect, render
from analysis.report.pdf import MISSING_MARK
from survey.demo import create_demo
from survey.storage import Store

ROOT = Path(__file__).resolve().parents[2]
RARE = "𠀀𪚥"
EMOJI = "😀"
UNKNOWN = "\U000f0001"  # a private-use character no font has


def test_rare_characters_are_printed_or_marked(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'glyphs.sqlite'}") as store:
        campaign = create_demo(store, responses=60, seed=2).campaign
        with store.write() as connection:
            connection.exec_driver_sql("UPDATE campaigns SET name = ? WHERE id = ?",
                                       (f"{RARE}村{EMOJI}调查{UNKNOWN}", campaign.id))
        pdf = render(collect(store, campaign.id), "pdf")
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{RARE}村" in text  # the fallback font has them
    assert EMOJI in text or f"村{MISSING_MARK}调查" in text
    assert f"调查{MISSING_MARK}" in text  # no font has this one: a visible mark, not nothing
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "HanaMinB" in fonts
    out = ROOT / "artifacts" / "report"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", str(path),
                    str(out / "security-glyphs")], check=True)
