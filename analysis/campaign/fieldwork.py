"""Door-to-door fieldwork per village (site) and township: households assigned, visited, finished,
completes and the AAPOR response rates, from ``Store.household_frame``.

Rates are AAPOR's (:mod:`analysis.response_rates`) over the households **visited so far**, each with
its final disposition to date; a household not yet visited is left out (it is counted in
``assigned`` and, once fieldwork ends, a county that wants it in the rates records it as 3.11 "not
attempted"). ``RR3`` uses ``e``, AAPOR's proportional allocation within each row unless given.

A household is **finished** when it needs no more visits: its final group is complete, refusal or
break-off, or not eligible (:data:`survey.collect.dispositions.FINAL_GROUPS`), or it had the
campaign's ``max_visits`` visits. The next steps (:func:`analysis.campaign.next_steps.fieldwork_steps`)
judge contact and refusal on finished households only, since a non-contact is visited again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.collect.dispositions import DISPOSITIONS, FINAL_GROUPS, MAX_VISITS_DEFAULT

from ..errors import ColumnError
from ..response_rates import response_rates

__all__ = ["FIELDWORK_COLUMNS", "fieldwork_table", "finished", "groups"]

FIELDWORK_COLUMNS: tuple[str, ...] = (
    "level", "township", "site", "assigned", "visited", "finished", "completes", "e", "RR1", "RR3", "REF1", "CON1",
)
"""level (site, township, county), the township and site (None above their level), households
assigned, visited at least once, finished (no more visits due), complete interviews (AAPOR I),
and ``e``, RR1, RR3, REF1, CON1 over the visited households."""

_NEEDED = ("site", "stratum", "visits", "disposition")


def _check(frame: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ColumnError(f"the household frame has no column {missing[0]!r}", column=missing[0])


def groups(frame: pd.DataFrame) -> pd.Series:
    """Each household's AAPOR group (I, P, R, NC, O, UH, UO, NE) from its final code; None when not visited."""
    return frame["disposition"].map(lambda c: DISPOSITIONS[c].group if isinstance(c, str) and c in DISPOSITIONS else None)


def finished(frame: pd.DataFrame, max_visits: int = MAX_VISITS_DEFAULT) -> pd.Series:
    """Whether each household needs no more visits (see the module docstring)."""
    _check(frame)
    return groups(frame).isin(FINAL_GROUPS) | (frame["visits"].astype("int64") >= int(max_visits))


def _rates(visited: pd.DataFrame, keys: list[str], e: float | None) -> pd.DataFrame:
    """e, RR1, RR3, REF1, CON1 and completes per key (the key columns of ``visited``)."""
    if not len(visited):
        return pd.DataFrame(columns=[*keys, "completes", "e", "RR1", "RR3", "REF1", "CON1"])
    domain = visited[keys].astype(str).agg("\x1f".join, axis=1) if len(keys) > 1 else visited[keys[0]].astype(str)
    rates = response_rates(visited["disposition"].tolist(), domain.to_numpy(dtype=object), level="site", e=e)
    split = rates["domain"].str.split("\x1f", expand=True) if len(keys) > 1 else rates[["domain"]]
    out = pd.DataFrame({key: split.iloc[:, j].to_numpy() for j, key in enumerate(keys)})
    out["completes"] = rates["I"].to_numpy()
    for col in ("e", "RR1", "RR3", "REF1", "CON1"):
        out[col] = rates[col].to_numpy()
    return out


def fieldwork_table(frame: pd.DataFrame, *, max_visits: int = MAX_VISITS_DEFAULT, e: float | None = None) -> pd.DataFrame:
    """One row per village (site), then per township, then the county: columns :data:`FIELDWORK_COLUMNS`.

    ``frame``: ``Store.household_frame`` (one row per household: ``site``, ``stratum``, ``visits``,
    ``disposition``). Sites sorted by township and code; rates NaN where nothing was visited.

    >>> f = pd.DataFrame({"site": ["a"] * 10, "stratum": ["T"] * 10, "visits": [1] * 8 + [3, 1],
    ...                   "disposition": ["1.1"] * 6 + ["2.11", "2.11", "2.24", "4.70"]})
    >>> r = fieldwork_table(f).iloc[0]
    >>> [int(r[c]) for c in ("assigned", "visited", "finished", "completes")], round(float(r["RR1"]), 4)
    ([10, 10, 10, 6], 0.6667)
    """
    _check(frame)
    data = pd.DataFrame({
        "township": frame["stratum"].astype(str).to_numpy(),
        "site": frame["site"].astype(str).to_numpy(),
        "visited": (frame["visits"].astype("int64") > 0).to_numpy() & frame["disposition"].notna().to_numpy(),
        "finished": finished(frame, max_visits).to_numpy(),
        "disposition": frame["disposition"].to_numpy(dtype=object),
    })
    visited = data[data["visited"]]
    parts = []
    for level, keys in (("site", ["township", "site"]), ("township", ["township"]), ("county", [])):
        if keys:
            counts = data.groupby(keys, sort=True).agg(assigned=("site", "size"), visited=("visited", "sum"),
                                                       finished=("finished", "sum")).reset_index()
            rates = _rates(visited, keys, e)
            table = counts.merge(rates, on=keys, how="left")
        else:
            table = pd.DataFrame({"assigned": [len(data)], "visited": [int(data["visited"].sum())],
                                  "finished": [int(data["finished"].sum())]})
            rates = _rates(visited.assign(all="all"), ["all"], e).drop(columns="all")
            table = pd.concat([table, rates.reset_index(drop=True)], axis=1) if len(rates) else table
        table["level"] = level
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    for col in FIELDWORK_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan if col in ("e", "RR1", "RR3", "REF1", "CON1") else None
    out["completes"] = out["completes"].fillna(0).astype("int64")
    for col in ("assigned", "visited", "finished"):
        out[col] = out[col].astype("int64")
    for col in ("e", "RR1", "RR3", "REF1", "CON1"):
        out[col] = out[col].astype(float)
    out["township"] = out["township"].astype(object).where(out["level"] != "county", None)
    out["site"] = out["site"].astype(object).where(out["level"] == "site", None)
    return out[list(FIELDWORK_COLUMNS)]
