"""The Excel workbook: codebook, responses (one sheet per instrument), scores, weights, estimates,
progress, watching flags, LQAS, and the design and weighting used. Numbers at full precision.
Every sheet is written through ``cells.write_sheet`` (no formulas, no control characters, texts
too long for a cell in the sheet ``long_texts``)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from .cells import write_long_texts, write_sheet
from .data import ReportData, responses_frame
from .document import CALIBRATION_ZH, CI_ZH, WEIGHTS_ZH
from .exports import estimates_table


def codebook(results) -> pd.DataFrame:  # noqa: ANN001
    """One row per choice (or per question without choices): instrument, version, question, choice."""
    rows: list[dict[str, Any]] = []
    for instrument, q in results.questionnaires.items():
        for section in q.sections:
            for qid in section.question_ids:
                question = q.question(qid)
                base = {
                    "instrument": instrument, "version": q.version, "version_hash": q.version_hash,
                    "section": section.id, "question": qid, "type": str(question.type),
                    "label_zh": question.label.get("zh", ""), "label_en": question.label.get("en", ""),
                    "required": question.required, "relevant": question.relevant.text if question.relevant else "",
                    "answer_key": " ".join(question.answer) if isinstance(question.answer, tuple) else (question.answer or ""),
                }
                if question.choices:
                    for choice in question.choices:
                        rows.append({**base, "choice_value": choice.value, "choice_zh": choice.label.get("zh", ""),
                                     "choice_en": choice.label.get("en", "")})
                else:
                    rows.append({**base, "choice_value": "", "choice_zh": "", "choice_en": ""})
    return pd.DataFrame(rows)


def indicator_sheet(results) -> pd.DataFrame:  # noqa: ANN001
    rows = []
    for instrument, q in results.questionnaires.items():
        for i in q.indicators:
            rows.append({
                "instrument": instrument, "indicator": i.id, "label_zh": i.label.get("zh", ""), "kind": str(i.kind),
                "rule": i.rule.text, "applies_if": i.applies_if.text if i.applies_if else "",
                "items": " ".join(i.items),
                "threshold": results.profile.find_threshold(i.id) if results.profile is not None else None,
            })
    return pd.DataFrame(rows)


def design_sheet(data: ReportData) -> pd.DataFrame:
    results = data.results
    notes = results.design_notes
    campaign = results.campaign
    rows: list[tuple[str, Any]] = [
        ("campaign", campaign.id), ("campaign_name", campaign.name), ("profile", campaign.profile_id),
        ("demo", bool(getattr(campaign, "demo", False))),
        ("profile_level", results.profile.level if results.profile else None),
        ("generated_at", data.generated_at.isoformat(timespec="seconds")),
        ("strata", "site stratum (township / street office)"), ("psu", "site psu (nest=True)"),
        ("lonely_psu", notes["lonely_psu"]), ("ci_method", notes["ci"]), ("ci_method_zh", CI_ZH.get(notes["ci"], "")),
        ("level", notes["level"]), ("weighting", notes["weighting"]),
        ("filters", repr(results.options.filters)), ("excluded_responses", results.excluded),
    ]
    population = results.options.population
    if population is not None:
        rows.append(("population_columns", ", ".join(population.columns)))
        for cell, value in population.cells.items():
            rows.append((f"population[{' / '.join(map(str, cell))}]", value))
    for instrument, info in notes["questionnaires"].items():
        for key, value in info.items():
            if key == "weights":
                rows.append((f"{instrument}.weights_zh", WEIGHTS_ZH.get(value, value)))
            if key == "calibrated" and value:
                rows.append((f"{instrument}.calibration_zh", CALIBRATION_ZH.get(value, value)))
            rows.append((f"{instrument}.{key}", ", ".join(value) if isinstance(value, list) else value))
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": object})


def quality_sheets(data: ReportData, writer, long_texts: list) -> None:  # noqa: ANN001
    """Sheets ``quality`` (one row per response: rules, reasons, review, paradata), ``quality_by_site``
    and ``sensitivity`` (verdicts with and without open flags), when the report has flags; written
    through ``write_sheet`` like every sheet (evaluators' reasons are free text)."""
    integrity = data.integrity
    if integrity is None:
        return
    flags = integrity.quality.flags.copy()
    flags["reasons"] = flags["reasons"].map(" ".join)
    for column in ("submitted_at", "opened_at"):
        flags[column] = flags[column].dt.tz_convert(integrity.quality.timezone).dt.strftime("%Y-%m-%d %H:%M:%S%z")
    write_sheet(writer, flags, "quality", long_texts)
    write_sheet(writer, integrity.quality.by_site, "quality_by_site", long_texts)
    write_sheet(writer, integrity.sensitivity.table, "sensitivity", long_texts)


def render_xlsx(data: ReportData) -> bytes:
    results = data.results
    buffer = io.BytesIO()
    responses = results.responses
    indicator_columns = [c for q in results.questionnaires.values() for c in (i.id for i in q.indicators) if c in responses]
    indicator_columns = list(dict.fromkeys(indicator_columns))
    long_texts: list[dict[str, Any]] = []
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        write_sheet(writer, design_sheet(data), "design", long_texts)
        write_sheet(writer, codebook(results), "codebook", long_texts)
        write_sheet(writer, indicator_sheet(results), "indicators", long_texts)
        for instrument in results.questionnaires:
            frame = responses_frame(data, instrument)
            write_sheet(writer, frame, f"responses_{instrument}"[:31], long_texts)
        scores = responses[["response_id", "questionnaire_id", "site_code", "stratum", "psu", *indicator_columns]]
        write_sheet(writer, scores, "scores", long_texts)
        weights = responses[["response_id", "questionnaire_id", "site_code", "stratum", "psu", "source", "design_weight",
                             "base_weight", "weight"]]
        write_sheet(writer, weights, "weights", long_texts)
        write_sheet(writer, estimates_table(results), "estimates", long_texts)
        write_sheet(writer, results.progress.assign(last_response=results.progress["last_response"].astype(str)), "progress",
                    long_texts)
        write_sheet(writer, results.watch, "watching", long_texts)
        quality_sheets(data, writer, long_texts)
        if len(results.lqas):
            write_sheet(writer, results.lqas, "lqas", long_texts)
        write_long_texts(writer, long_texts)
        for sheet in writer.book.worksheets:
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                letter = column[0].column_letter
                longest = max((len(str(c.value)) for c in column[:200] if c.value is not None), default=8)
                sheet.column_dimensions[letter].width = min(max(10, longest + 2), 48)
    return buffer.getvalue()
