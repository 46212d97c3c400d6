"""A sampling plan: the selected PSUs with their quotas, inclusion probabilities and weights.

The plan is what the campaign reads (sites and quotas) and what the analysis reads (strata, PSUs,
weights, fpc). Its table has one row per selected PSU: the frame's own columns, unchanged and in
the same order, followed by the columns in :data:`PLAN_COLUMNS`:

=================  ================================================================================
column             meaning
=================  ================================================================================
inclusion_prob     first-stage inclusion probability pi_i of the PSU (1 for certainty units)
certainty          1 if the PSU was taken with certainty (pi_i = 1), else 0
take               people to survey at the PSU: m, or M_i when the PSU has no more than m people
person_prob        person-level inclusion probability pi_i * take / M_i
weight             design weight of each respondent: 1 / person_prob
psus_drawn         a_h, PSUs selected in the stratum
stratum_psus       N_h, PSUs in the stratum's frame (the first-stage fpc for SRS/systematic)
stratum_size       sum of M_i over the stratum's frame (people)
=================  ================================================================================

For analysis: strata = the frame's stratum column, PSU = its PSU column, weights = ``weight``, and
for a without-replacement first stage ``stratum_psus`` as the fpc (population count of PSUs).

Files: CSV is written as UTF-8 with BOM (``utf-8-sig``) so that Chinese Excel opens it without
mojibake; XLSX via openpyxl. Files are written to a temporary name and then renamed, so a failed
run leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import FrameError, InputError
from .frame import Frame
from .selection import METHODS, per_stratum, select_units
from .validation import check_option

__all__ = ["Plan", "draw_plan", "PLAN_COLUMNS", "write_table"]

PLAN_COLUMNS: dict[str, str] = {
    "inclusion_prob": "first-stage inclusion probability of the PSU (1 for certainty units)",
    "certainty": "1 if the PSU was taken with certainty, else 0",
    "take": "people to survey at the PSU (all of them when it has no more than the fixed take)",
    "person_prob": "person-level inclusion probability: inclusion_prob * take / size",
    "weight": "design weight of each respondent: 1 / person_prob",
    "psus_drawn": "PSUs selected in the stratum (a_h)",
    "stratum_psus": "PSUs in the stratum's frame (N_h; the first-stage fpc)",
    "stratum_size": "total size of the stratum's frame (people)",
}


@dataclass(frozen=True, eq=False)
class Plan:
    """A drawn plan (see the module docstring for the columns).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per selected PSU.
    frame : Frame
    method : str
    seed : int
        The seed that reproduces the plan.
    """

    table: pd.DataFrame
    frame: Frame
    method: str
    seed: int

    def summary(self) -> pd.DataFrame:
        """One row per stratum: stratum, psus (drawn), people (sum of takes), population, weight_sum."""
        t = self.table
        key = t[self.frame.stratum].astype(str)
        g = t.assign(_people_w=t["take"] * t["weight"]).groupby(key, sort=False)
        out = pd.DataFrame(
            {
                "psus": g.size(),
                "people": g["take"].sum(),
                "population": g["stratum_size"].first(),
                "weight_sum": g["_people_w"].sum(),
            }
        )
        out.index.name = "stratum"
        return out.reset_index()

    def to_csv_bytes(self) -> bytes:
        """The plan as CSV bytes in UTF-8 with BOM."""
        return self.table.to_csv(index=False).encode("utf-8-sig")

    def to_xlsx_bytes(self) -> bytes:
        """The plan as an XLSX workbook (sheets ``plan`` and ``strata``)."""
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            self.table.to_excel(xw, sheet_name="plan", index=False)
            self.summary().to_excel(xw, sheet_name="strata", index=False)
        return buf.getvalue()

    def write(self, path: str | os.PathLike) -> Path:
        """Write the plan to ``path`` (``.csv`` or ``.xlsx``), atomically."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            data = self.to_xlsx_bytes()
        elif suffix == ".csv":
            data = self.to_csv_bytes()
        else:
            raise InputError(f"the plan file must end in .csv or .xlsx, got {path.name!r}", param="out")
        write_table(path, data)
        return path

    def to_dict(self) -> dict:
        """Summary for JSON output."""
        s = self.summary()
        return {
            "method": self.method,
            "seed": self.seed,
            "psus": int(len(self.table)),
            "people": int(self.table["take"].sum()),
            "strata": [
                {"stratum": r.stratum, "psus": int(r.psus), "people": int(r.people),
                 "population": float(r.population), "weight_sum": float(r.weight_sum)}
                for r in s.itertuples(index=False)
            ],
        }


def write_table(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file in the same folder and a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"the folder {str(directory)!r} does not exist", param="out")
    fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=path.suffix, dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def draw_plan(
    frame: Frame,
    psus: int | Mapping[str, int],
    *,
    take: int | Mapping[str, int] | None = None,
    method: str = "pps",
    seed: int | None = None,
) -> Plan:
    """Select PSUs in every stratum of ``frame`` and set a take per PSU.

    Parameters
    ----------
    frame : Frame
        Must have a PSU column.
    psus : int or mapping stratum -> int
        PSUs to draw per stratum.
    take : int or mapping stratum -> int, optional
        People per PSU (a fixed take m); without it every person of a selected PSU is taken.
    method : {"pps", "srs", "systematic"}
    seed : int, optional
        Seed of ``numpy.random.default_rng``; drawn at random (and kept in the plan) when omitted.

    Returns
    -------
    Plan

    Raises
    ------
    InputError, FrameError, InfeasibleError
        Unknown method, a frame without PSU column, a stratum asked for more PSUs than it has.

    Examples
    --------
    >>> import pandas as pd
    >>> f = Frame.from_dataframe(pd.DataFrame({"town": ["A"] * 4, "village": list("abcd"),
    ...     "people": [100, 200, 300, 400]}), stratum="town", psu="village", size="people")
    >>> p = draw_plan(f, 2, take=10, seed=1)
    >>> p.table["person_prob"].round(4).tolist()
    [0.02, 0.02]
    """
    check_option("method", method, METHODS)
    if frame.psu is None:
        raise FrameError("selection needs a PSU column", file=frame.source, param="psu")
    clash = [c for c in PLAN_COLUMNS if c in frame.data.columns]
    if clash:
        raise FrameError("the frame already has a column the plan adds", file=frame.source, column=clash[0])
    if seed is None:
        seed = secrets.randbits(32)
    rng = np.random.default_rng(seed)
    codes, labels = frame.strata_codes
    m = per_stratum("take", take, labels, minimum=1)
    res = select_units(codes, frame.sizes, labels, psus, method=method, rng=rng)
    M = frame.sizes[res.rows]
    if m is None:
        takes = M
    else:
        takes = np.minimum(m[codes[res.rows]], M)
    takes = np.maximum(np.floor(takes + 1e-9), 1.0)
    person_prob = res.inclusion_prob * takes / M
    table = frame.data.iloc[res.rows].reset_index(drop=True).copy()
    table["inclusion_prob"] = res.inclusion_prob
    table["certainty"] = res.certainty.astype(np.int64)
    table["take"] = takes.astype(np.int64)
    table["person_prob"] = person_prob
    table["weight"] = 1.0 / person_prob
    table["psus_drawn"] = res.drawn.astype(np.int64)
    table["stratum_psus"] = res.stratum_psus.astype(np.int64)
    table["stratum_size"] = res.stratum_size
    return Plan(table=table, frame=frame, method=method, seed=int(seed))
