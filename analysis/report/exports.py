"""CSV files for R, Stata or SPSS users: UTF-8 with a byte-order mark, so Chinese Excel opens them too."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..campaign import CampaignResults
from ..verdict import rule_text
from .cells import safe_frame

ESTIMATE_COLUMNS = (
    "questionnaire_id", "var", "scope", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "threshold",
    "verdict", "point_reaches", "more_responses", "missing", "ci_method", "level", "bounds", "coverage", "two_sided_low",
    "two_sided_high", "note", "mode",
)


def estimates_table(results: CampaignResults) -> pd.DataFrame:
    """The engine's estimates, overall (``scope = overall``, empty ``domain``) and per township.

    The published column names stay: ``instrument`` holds the questionnaire id, ``indicator`` the
    indicator id (``python -m analysis report --json`` prints these records).
    """
    columns = [c for c in ESTIMATE_COLUMNS if c in results.estimates.columns]
    out = results.estimates[columns].copy()
    out = out.rename(columns={"var": "indicator", "questionnaire_id": "instrument"})
    out.insert(0, "campaign", results.campaign.id)
    out["weighting"] = results.options.weighting
    out["verdict_rule"] = rule_text(results.level, "en", min_df) if (min_df := _min_df(results)) else None
    return out


def _min_df(results: CampaignResults) -> int:
    from ..verdict import MIN_DF

    return int(getattr(results.profile, "min_df", MIN_DF)) if results.profile is not None else MIN_DF


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV in ``utf-8-sig`` (full precision, empty cells for missing values), texts
    made safe to open in a spreadsheet (``cells.safe_frame``: no formulas, no control characters)."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(csv_bytes(frame))
    tmp.replace(path)
    return path
