"""What to do next, as data: sites without responses, rates that need more responses or more
sites, sites behind their quota (the app and the reports word them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..verdict import MIN_DF

__all__ = ["FEW_DF", "NextStep", "next_steps"]

#: Townships with fewer design degrees of freedom (PSUs - 1) than this get no verdict of their own
#: (verdict ``few_sites``) and a "few sites" next step (the profile's ``min_df`` overrides it).
FEW_DF = MIN_DF


@dataclass(frozen=True)
class NextStep:
    """One item of the "what to do next" list.

    kind: ``no_responses`` (a site with a quota has received nothing), ``more_responses`` (a
    township or the county needs about ``count`` more responses of the questionnaire for
    ``indicator`` to be conclusive), ``few_sites`` (a township gets no verdict of its own because
    its responses come from only ``count`` sites, i.e. fewer than :data:`FEW_DF` degrees of
    freedom: ``sites_to_add`` more sites, not more responses at the same sites, would let it be
    judged), ``behind_quota`` (a site has ``count`` responses to go).
    """

    kind: str
    questionnaire_id: str
    stratum: str | None = None
    site_code: str | None = None
    site_name: str | None = None
    indicator: str | None = None
    count: int = 0
    priority: int = 0
    #: the rate sits so close to the threshold that more than five times the current responses
    #: would be needed: more data will hardly settle it (say so instead of a huge number)
    close_call: bool = False
    #: few_sites: sites with responses to add in the township before it can be judged on its own
    sites_to_add: int = 0


def _applicable(estimates: pd.DataFrame, table: pd.DataFrame) -> dict[tuple, float]:
    """Share of respondents inside each indicator's denominator, per questionnaire (and township)."""
    out: dict[tuple, float] = {}
    columns = [c for c in estimates["var"].unique() if c in table.columns] if len(estimates) else []
    if not columns or not len(table):
        return out
    has = table[columns].notna()
    has["questionnaire_id"], has["stratum"] = table["questionnaire_id"].to_numpy(), table["stratum"].to_numpy()
    for (qid, stratum), share in has.groupby(["questionnaire_id", "stratum"])[columns].mean().iterrows():
        for var in columns:
            out[(qid, stratum, var)] = float(share[var])
    for qid, share in has.groupby("questionnaire_id")[columns].mean().iterrows():
        for var in columns:
            out[(qid, None, var)] = float(share[var])
    return out


def next_steps(estimates: pd.DataFrame, progress: pd.DataFrame, table: pd.DataFrame, *,
               min_df: int = FEW_DF) -> list[NextStep]:
    """The next steps, most urgent first (priority, then the easier more-responses first)."""
    steps: list[NextStep] = []
    applicable = _applicable(estimates, table)
    sizes = table.groupby(["questionnaire_id", "stratum"]).size().to_dict() if len(table) else {}
    totals = table.groupby("questionnaire_id").size().to_dict() if len(table) else {}
    for p in progress.itertuples(index=False):
        if p.quota > 0 and p.responses == 0:
            steps.append(NextStep("no_responses", p.questionnaire_id, p.stratum, p.site_code, p.site_name, None,
                                  int(p.quota), 0))
    few_sites_done: set[tuple] = set()
    for e in estimates.itertuples(index=False):
        if not isinstance(e.verdict, str) or e.verdict not in ("inconclusive", "few_sites"):
            continue
        stratum = e.domain if e.scope == "stratum" else None
        if e.verdict == "few_sites":
            # the interval's width comes from t with df = PSUs - strata, which more responses at
            # the same sites hardly narrow; a township needs min_df + 1 sites to be judged alone
            if (e.questionnaire_id, stratum) not in few_sites_done:
                few_sites_done.add((e.questionnaire_id, stratum))
                df = int(e.df)
                steps.append(NextStep("few_sites", e.questionnaire_id, stratum, None, None, e.var, df + 1, 2,
                                      sites_to_add=max(min_df - df, 1)))
            continue
        if pd.isna(e.more_responses):
            continue
        share = applicable.get((e.questionnaire_id, stratum, e.var), 1.0)
        n_rows = sizes.get((e.questionnaire_id, stratum), 0) if stratum is not None else totals.get(e.questionnaire_id, 0)
        more = int(math.ceil(int(e.more_responses) / share)) if share > 0 else int(e.more_responses)
        close = more > 5 * max(n_rows, 1)
        steps.append(NextStep("more_responses", e.questionnaire_id, stratum, None, None, e.var, more,
                              1 if stratum is None else 2, close_call=close))
    behind = progress[(progress["remaining"] > 0) & (progress["responses"] > 0)]
    for p in behind.sort_values("remaining", ascending=False).itertuples(index=False):
        steps.append(NextStep("behind_quota", p.questionnaire_id, p.stratum, p.site_code, p.site_name, None,
                              int(p.remaining), 3))
    steps.sort(key=lambda s: (s.priority, s.close_call, s.count if s.kind == "more_responses" else 0))
    return steps
