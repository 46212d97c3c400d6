"""The dashboard's 进度 view: counts, the next steps grouped (one line per kind of work, e.g. "these
9 townships have too few sites: …", not one near-identical line each), progress per township,
sites with nothing yet, the cumulative responses per day and progress per site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from analysis.campaign import group_next_steps, progress_by_stratum
from analysis.formatting import local_stamp
from analysis.formatting import percent as pct
from app import chart_cache, fieldwork_panel
from app.i18n import t
from app.safe import plain

#: Lines of next steps shown before the rest go into an expander that says what it holds.
SHOWN_LINES = 6
#: Names listed in one grouped line; the rest are counted ("等 12 处").
NAMES_LISTED = 15


@dataclass(frozen=True)
class Names:
    """How the page names questionnaires and indicators (in the page's language)."""

    titles: dict[str, str]
    indicators: dict[tuple[str, str], str]

    def title(self, questionnaire_id: str) -> str:
        return self.titles.get(questionnaire_id, questionnaire_id)

    def indicator(self, questionnaire_id: str, indicator: str) -> str:
        return self.indicators.get((questionnaire_id, indicator), indicator)


def where(step: Any) -> str:
    return step.stratum or t("dash.county")


def step_text(step: Any, names: Names) -> str:
    """One next step in words."""
    title = names.title(step.questionnaire_id)
    if step.kind == "no_responses":
        return t("dash.next.no_responses", stratum=step.stratum, site=step.site_name, questionnaire=title, count=step.count)
    if step.kind == "more_responses":
        key = ("dash.next.beyond_reach" if getattr(step, "beyond_reach", False) else "dash.next.close_call") \
            if step.close_call else "dash.next.more"
        return t(key, where=where(step), count=step.count, questionnaire=title,
                 indicator=names.indicator(step.questionnaire_id, step.indicator))
    if step.kind == "few_sites":
        return t("dash.next.few_sites", stratum=where(step), questionnaire=title, count=step.count,
                 add=getattr(step, "sites_to_add", 0) or 1)
    if step.kind in ("low_contact", "high_refusal"):
        return fieldwork_panel.step_text(step)
    return t("dash.next.behind", stratum=step.stratum, site=step.site_name, questionnaire=title, count=step.count)


def _name(step: Any) -> str:
    site = f"{step.stratum or ''} {step.site_name or step.site_code or ''}".strip()
    if step.kind == "more_responses":  # beyond reach: the place only (its count means nothing to act on)
        return where(step) if getattr(step, "beyond_reach", False) else t("dash.next.name.more", where=where(step), count=step.count)
    if step.kind == "few_sites":
        return t("dash.next.name.few_sites", stratum=where(step), count=step.count, add=getattr(step, "sites_to_add", 0) or 1)
    if step.kind == "behind_quota":
        return t("dash.next.name.behind", site=site, count=step.count)
    if step.kind in ("low_contact", "high_refusal"):
        return t("dash.next.name.rate", site=site, rate=pct(step.rate))
    return site


def group_text(group: Any, names: Names, lang: str) -> str:
    """A group of next steps in one line (a group of one: that step's own words)."""
    if group.single:
        return step_text(group.steps[0], names)
    same = group.kind == "few_sites" and len({(s.count, getattr(s, "sites_to_add", 0) or 1) for s in group.steps}) == 1
    listed = [where(s) if same else _name(s) for s in group.steps[:NAMES_LISTED]]
    joined = ("、" if lang == "zh" else ", ").join(listed)
    if group.size > NAMES_LISTED:
        joined += ("" if lang == "zh" else ", ") + t("dash.next.list_more", n=group.size)
    key = {"no_responses": "dash.next.group.no_responses", "few_sites": "dash.next.group.few_sites",
           "behind_quota": "dash.next.group.behind", "low_contact": "dash.next.group.low_contact",
           "high_refusal": "dash.next.group.high_refusal",
           "more_responses": "dash.next.group.close_call" if group.close_call else "dash.next.group.more"}[group.kind]
    if same:  # the same numbers for every township: said once
        first = group.steps[0]
        joined += t("dash.next.name.few_sites_each", count=first.count, add=getattr(first, "sites_to_add", 0) or 1)
    indicator = names.indicator(group.questionnaire_id, group.indicator) if group.indicator else ""
    return t(key, n=group.size, names=joined, questionnaire=names.title(group.questionnaire_id), indicator=indicator)


def rest_label(groups: list, lang: str) -> str:
    """The expander's label: how many lines, and what they hold ("其余 5 条：12 个调查点尚无应答、…")."""
    held: dict[str, int] = {}
    for g in groups:
        held[g.kind] = held.get(g.kind, 0) + g.size
    kinds = ("、" if lang == "zh" else ", ").join(t(f"dash.next.count.{k}", n=n) for k, n in held.items())
    return t("dash.next.rest_lines", n=len(groups), kinds=kinds)


def render_next_steps(steps: list, names: Names, lang: str) -> None:
    """The next steps, grouped; the first lines shown, the rest in an expander naming its content."""
    st.subheader(t("dash.next"))
    groups = group_next_steps(steps)
    if not groups:
        st.caption(t("dash.next.none"))
        return
    shown, rest = groups[:SHOWN_LINES], groups[SHOWN_LINES:]
    st.markdown("\n".join(f"- {plain(group_text(g, names, lang))}" for g in shown))
    if rest:
        with st.expander(rest_label(rest, lang)):
            st.markdown("\n".join(f"- {plain(group_text(g, names, lang))}" for g in rest))


def render(results: Any, campaign: Any, households: Any, names: Names, lang: str, key: tuple) -> None:
    """The 进度 view for ``results`` of ``campaign`` (``households``: the door-to-door frame or None;
    ``key``: the data version and choices, under which the chart is kept)."""
    progress = results.progress
    m = st.columns(4)
    m[0].metric(t("dash.metric.responses"), len(results.responses),
                delta=t("dash.metric.excluded", n=results.excluded) if results.excluded else None, delta_color="off")
    empty_sites = progress[(progress["quota"] > 0) & (progress["responses"] == 0)]
    m[1].metric(t("dash.metric.sites_empty"), f"{empty_sites['site_code'].nunique()} / {len(campaign.sites)}")
    quota = int(progress["quota"].sum()) if len(progress) else 0
    reached = int(progress[["responses", "quota"]].min(axis=1).sum()) if len(progress) else 0
    m[2].metric(t("dash.metric.quota"), f"{reached / quota:.0%}" if quota else "—")
    last = results.responses["submitted_at"].max() if len(results.responses) else None
    m[3].metric(t("dash.metric.last"), local_stamp(last, campaign.timezone, "%m-%d %H:%M") or "—")

    steps = [*results.next_steps, *fieldwork_panel.next_steps(households, campaign)]
    steps.sort(key=lambda s: s.priority)  # stable: each list keeps its own order
    render_next_steps(steps, names, lang)

    st.subheader(t("dash.progress.by_stratum"))
    summary = progress_by_stratum(progress)
    if len(summary):
        view = pd.DataFrame({
            t("dash.col.stratum"): summary["stratum"],
            t("dash.col.questionnaire"): summary["questionnaire_id"].map(names.title),
            t("dash.col.quota"): summary["quota"],
            t("dash.col.responses"): summary["responses"],
            t("dash.col.remaining"): summary["remaining"],
            t("dash.col.share"): (summary["responses"] / summary["quota"].where(summary["quota"] > 0)).clip(upper=1.0) * 100,
            t("dash.col.sites_empty"): summary["sites_empty"],
        })
        st.dataframe(view, hide_index=True, key="dash.progress.table", column_config={
            t("dash.col.share"): st.column_config.ProgressColumn(t("dash.col.share"), min_value=0, max_value=100, format="%.0f%%"),
        })
    st.subheader(t("dash.progress.empty_sites"))
    if len(empty_sites):
        st.dataframe(pd.DataFrame({
            t("dash.col.stratum"): empty_sites["stratum"], t("dash.col.site"): empty_sites["site_name"],
            t("dash.col.questionnaire"): empty_sites["questionnaire_id"].map(names.title),
            t("dash.col.quota"): empty_sites["quota"],
        }), hide_index=True, key="dash.progress.empty")
    else:
        st.caption(t("dash.progress.no_empty_sites"))
    if len(results.timeline):
        st.subheader(t("dash.progress.over_time"))
        st.vega_lite_chart(spec=timeline_spec(results, names, lang, key), key="dash.progress.chart", width="stretch")
    with st.expander(t("dash.progress.by_site")):
        st.dataframe(pd.DataFrame({
            t("dash.col.stratum"): progress["stratum"], t("dash.col.site"): progress["site_name"],
            t("dash.col.questionnaire"): progress["questionnaire_id"].map(names.title), t("dash.col.quota"): progress["quota"],
            t("dash.col.responses"): progress["responses"], t("dash.col.remaining"): progress["remaining"],
        }), hide_index=True, key="dash.progress.sites")


def timeline_spec(results: Any, names: Names, lang: str, key: tuple) -> dict:
    """The cumulative-responses chart as a Vega-Lite spec (written directly: importing and validating
    Altair costs more than the page), built once per ``key`` (data version, choices)."""
    def build() -> dict:
        timeline = results.timeline
        values = [{"date": f"{d}T00:00:00", "cumulative": int(c), "questionnaire": names.title(q)}
                  for d, c, q in zip(timeline["date"], timeline["cumulative"], timeline["questionnaire_id"])]
        return {
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": t("dash.col.date"),
                      "axis": {"format": "%-m月%-d日" if lang == "zh" else "%b %-d", "labelAngle": 0}},
                "y": {"field": "cumulative", "type": "quantitative", "title": t("dash.col.responses")},
                "color": {"field": "questionnaire", "type": "nominal", "title": t("dash.col.questionnaire"),
                          "legend": {"orient": "bottom", "columns": 1, "labelLimit": 260}},
            },
        }

    return chart_cache.spec(("timeline", lang, *key), build)


__all__ = ["Names", "group_text", "render", "render_next_steps", "rest_label", "step_text"]
