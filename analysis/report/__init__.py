"""Exports and reports of a campaign: Excel workbook, Word and PDF report in Chinese, CSV files.

UI-free; used by ``python -m analysis report`` and by the dashboard's download buttons.

>>> # data = collect(store, campaign_id)            # results + every response's answers
>>> # write_report(data, "report.pdf")              # .xlsx, .docx, .pdf or .csv (estimates)

Every number in the Word and PDF reports is formatted from the same
:class:`analysis.campaign.CampaignResults` the dashboard shows (see
:mod:`analysis.report.document`), so reports and the engine agree by construction; the tests
extract the text of both files and compare.
"""

from __future__ import annotations

from pathlib import Path

from .data import ReportData, collect

__all__ = ["FORMATS", "ReportData", "collect", "render", "write_report"]

FORMATS = (".xlsx", ".docx", ".pdf", ".csv")


def render(data: ReportData, fmt: str) -> bytes:
    """The file's bytes for ``fmt`` (``xlsx``, ``docx``, ``pdf`` or ``csv`` = estimates)."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "xlsx":
        from .excel import render_xlsx

        return render_xlsx(data)
    if fmt == "docx":
        from .word import render_docx

        return render_docx(data)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(data)
    if fmt == "csv":
        from .exports import csv_bytes, estimates_table

        return csv_bytes(estimates_table(data.results))
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(f[1:] for f in FORMATS)}")


def write_report(data: ReportData, path: str | Path) -> Path:
    """Write the report whose type the suffix names; written to a temporary name, then renamed."""
    path = Path(path)
    content = render(data, path.suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return path
