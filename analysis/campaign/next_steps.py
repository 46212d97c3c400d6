"""What to do next, as data: sites without responses, rates that need more responses or more
sites, sites behind their quota, and villages whose door-to-door fieldwork reaches too few
households or meets too many refusals (the app and the reports word them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..verdict import MIN_DF

__all__ = ["BEYOND_REACH", "FEW_DF", "HIGH_REFUSAL", "LOW_CONTACT", "MIN_FINISHED", "NextStep", "StepGroup",
           "fieldwork_steps", "group_next_steps", "next_steps"]

#: Townships with fewer design degrees of freedom (PSUs - 1) than this get no verdict of their own
#: (verdict ``few_sites``) and a "few sites" next step (the profile's ``min_df`` overrides it).
FEW_DF = MIN_DF

#: A close call's count of responses still needed is "beyond reach" above this many times the
#: responses so far (or when they and the responses so far exceed the population, N_h): the app and the reports then say in words that
#: the estimate sits too close to the threshold for more responses to settle it, not a number.
BEYOND_REACH = 10

#: Door-to-door fieldwork (:func:`fieldwork_steps`): a village is judged once this many of its
#: households are finished (no more visits due: a complete, a refusal, not eligible, or the
#: campaign's last visit made); fewer say too little to act on.
MIN_FINISHED = 5
#: AAPOR's contact rate CON1 below this among a village's finished households: "low contact".
#: A working default, not a standard: below it, visits are probably at the wrong hours (try
#: evenings and weekends, or ask the village committee when people are at home).
LOW_CONTACT = 0.70
#: AAPOR's refusal rate REF1 above this among a village's finished households: "high refusal".
#: One household in five refusing calls for the village committee's or a doctor's introduction.
HIGH_REFUSAL = 0.20


@dataclass(frozen=True)
class NextStep:
    """One item of the "what to do next" list.

    kind: ``no_responses`` (a site with a quota has received nothing), ``more_responses`` (a
    township or the county needs about ``count`` more responses of the questionnaire for
    ``indicator`` to be conclusive), ``few_sites`` (a township gets no verdict of its own because
    its responses come from only ``count`` sites, i.e. fewer than :data:`FEW_DF` degrees of
    freedom: ``sites_to_add`` more sites, not more responses at the same sites, would let it be
    judged), ``behind_quota`` (a site has ``count`` responses to go), ``low_contact`` and
    ``high_refusal`` (a village's contact rate CON1 or refusal rate REF1, ``rate``, among its
    ``count`` finished households; ``questionnaire_id`` is empty: households, not a questionnaire).
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
    #: more than :data:`BEYOND_REACH` times the responses so far, or more than the population holds: the
    #: count means nothing to act on, word the step without it (``close_call`` is then set too)
    beyond_reach: bool = False
    #: few_sites: sites with responses to add in the township before it can be judged on its own
    sites_to_add: int = 0
    #: low_contact, high_refusal: the village's CON1 or REF1 among its finished households
    rate: float | None = None


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


def _populations(table: pd.DataFrame) -> dict[tuple, float]:
    """Population (N_h, ``stratum_population``) per questionnaire and township, and per questionnaire
    (the sum over its townships, key stratum None); NaN where a township's is not known."""
    if not len(table) or "stratum_population" not in table.columns:
        return {}
    size = pd.to_numeric(table["stratum_population"], errors="coerce").astype(float)
    first = size.groupby([table["questionnaire_id"], table["stratum"]], sort=False).first()
    out = {key: float(v) for key, v in first.items()}
    for qid, values in first.groupby(level=0, sort=False):
        out[(qid, None)] = float(values.sum()) if values.notna().all() else math.nan
    return out


def next_steps(estimates: pd.DataFrame, progress: pd.DataFrame, table: pd.DataFrame, *,
               min_df: int = FEW_DF) -> list[NextStep]:
    """The next steps, most urgent first (priority, then the easier more-responses first)."""
    steps: list[NextStep] = []
    applicable = _applicable(estimates, table)
    sizes = table.groupby(["questionnaire_id", "stratum"]).size().to_dict() if len(table) else {}
    totals = table.groupby("questionnaire_id").size().to_dict() if len(table) else {}
    populations = _populations(table)
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
        population = populations.get((e.questionnaire_id, stratum), math.nan)
        beyond = more > BEYOND_REACH * max(n_rows, 1) or (population > 0 and n_rows + more > population)
        close = beyond or more > 5 * max(n_rows, 1)
        steps.append(NextStep("more_responses", e.questionnaire_id, stratum, None, None, e.var, more,
                              1 if stratum is None else 2, close_call=close, beyond_reach=beyond))
    behind = progress[(progress["remaining"] > 0) & (progress["responses"] > 0)]
    for p in behind.sort_values("remaining", ascending=False).itertuples(index=False):
        steps.append(NextStep("behind_quota", p.questionnaire_id, p.stratum, p.site_code, p.site_name, None,
                              int(p.remaining), 3))
    steps.sort(key=lambda s: (s.priority, s.close_call, s.count if s.kind == "more_responses" else 0))
    return steps


def fieldwork_steps(frame: pd.DataFrame, *, max_visits: int | None = None, names: dict[str, str] | None = None,
                    min_finished: int = MIN_FINISHED, low_contact: float = LOW_CONTACT,
                    high_refusal: float = HIGH_REFUSAL) -> list[NextStep]:
    """Villages (sites) with low contact or high refusal, from ``Store.household_frame``.

    Only a village's finished households count (see :mod:`analysis.campaign.fieldwork`), and only
    once it has ``min_finished`` of them: CON1 < ``low_contact`` gives ``low_contact``, REF1 >
    ``high_refusal`` gives ``high_refusal`` (both may be named). ``names``: site code -> name.
    Priority 1: fieldwork under way is steered now, before the more distant steps of priority 2.
    Sorted by township and site, low contact before high refusal within a village.
    """
    from survey.collect.dispositions import MAX_VISITS_DEFAULT

    from ..response_rates import response_rates
    from .fieldwork import finished

    done = frame[finished(frame, MAX_VISITS_DEFAULT if max_visits is None else max_visits).to_numpy()]
    if not len(done):
        return []
    rates = response_rates(done["disposition"].tolist(), done["site"].astype(str).to_numpy(dtype=object), level="site")
    township = dict(zip(frame["site"].astype(str), frame["stratum"].astype(str)))
    sizes = done.groupby(done["site"].astype(str)).size()
    steps = []
    for r in rates.itertuples(index=False):
        site, n = str(r.domain), int(sizes.get(str(r.domain), 0))
        if n < min_finished:
            continue
        name = (names or {}).get(site, site)
        if not pd.isna(r.CON1) and r.CON1 < low_contact:
            steps.append(NextStep("low_contact", "", township.get(site), site, name, None, n, 1, rate=float(r.CON1)))
        if not pd.isna(r.REF1) and r.REF1 > high_refusal:
            steps.append(NextStep("high_refusal", "", township.get(site), site, name, None, n, 1, rate=float(r.REF1)))
    steps.sort(key=lambda s: (s.stratum or "", s.site_code or "", s.kind != "low_contact"))
    return steps


@dataclass(frozen=True)
class StepGroup:
    """Next steps of one kind that read alike, to be said in one line (e.g. "these 9 townships have
    too few sites: …") instead of one near-identical line each.

    Steps group by ``kind`` and questionnaire; ``more_responses`` also by indicator and
    ``close_call``; fieldwork steps (``low_contact``, ``high_refusal``) by kind. ``steps`` keep the
    order they came in; ``priority`` is the most urgent (lowest) of them.
    """

    kind: str
    questionnaire_id: str
    steps: tuple[NextStep, ...]
    indicator: str | None = None
    close_call: bool = False

    @property
    def priority(self) -> int:
        return min(s.priority for s in self.steps)

    @property
    def size(self) -> int:
        """How many next steps the group holds."""
        return len(self.steps)

    @property
    def single(self) -> bool:
        """One step only: word it as that step."""
        return len(self.steps) == 1


def _group_key(step: NextStep) -> tuple:
    if step.kind == "more_responses":
        return (step.kind, step.questionnaire_id, step.indicator, bool(step.close_call))
    if step.kind in ("low_contact", "high_refusal"):
        return (step.kind, "", None, False)
    return (step.kind, step.questionnaire_id, None, False)


def group_next_steps(steps: list[NextStep] | tuple[NextStep, ...]) -> list[StepGroup]:
    """Merge next steps of the same kind (and questionnaire; indicator for ``more_responses``) into
    :class:`StepGroup` s, most urgent group first (lowest priority, then the order the first step of
    each group came in). Pure: no wording (the app and the reports word the groups)."""
    members: dict[tuple, list[NextStep]] = {}
    for step in steps:
        members.setdefault(_group_key(step), []).append(step)
    groups = [StepGroup(kind, qid, tuple(found), indicator, close)
              for (kind, qid, indicator, close), found in members.items()]
    return sorted(groups, key=lambda g: g.priority)  # stable: first-seen order within a priority
