"""The dashboard's 结果与判定 view: the verdict rule, the integrity comparison, and per indicator
the overall sentence, the table (判定 right after the place, both pinned, so the verdict stays on
a 360 px phone screen), the forest plot and LQAS; then the mean scores."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analysis.campaign.weights import MODE_WORDS
from analysis.formatting import count, fixed, missing
from analysis.formatting import interval as span
from analysis.formatting import percent as pct
from analysis.verdict import interval_label, rule_text
from app import chart_cache, quality_panel
from app.i18n import t
from app.incidents import isolated
from app.means_panel import render_means
from app.progress_panel import Names

VERDICT_COLOURS = {"met": "#1a7f37", "not_met": "#c42828", "inconclusive": "#6e6e6e", "few_sites": "#bdbdbd"}


def verdict_text(v: Any) -> str:
    return t(f"dash.verdict.{v}") if isinstance(v, str) else t("dash.verdict.none")


def reading_text(v: Any) -> str:
    if missing(v):
        return "—"
    return t("dash.point.yes") if bool(v) else t("dash.point.no")


def result_table(frame: pd.DataFrame, names: list[str], level: float, has_threshold: bool, lang: str) -> pd.DataFrame:
    """One row per place (county first): 判定 right after the place, then the numbers."""
    alone = [not (isinstance(v, str) and v == "few_sites") for v in frame["verdict"]]  # too few sites: SE, deff mean nothing
    return pd.DataFrame({
        t("dash.col.domain"): names,
        t("dash.col.verdict"): [verdict_text(v) for v in frame["verdict"]],
        t("dash.col.estimate"): [pct(x) for x in frame["estimate"]],
        interval_label(level, lang) if has_threshold else t("dash.col.ci"):
            [span(a, b, n=n, verdict=v, language=lang, sep=" – ")
             for a, b, n, v in zip(frame["ci_low"], frame["ci_high"], frame["n"], frame["verdict"])],
        t("dash.col.n"): pd.array([None if missing(x) else int(x) for x in frame["n"]], dtype="Int64"),
        t("dash.col.se"): [pct(x, 2) if ok else "—" for x, ok in zip(frame["se"], alone)],
        t("dash.col.deff"): [fixed(x) if ok else "—" for x, ok in zip(frame["deff"], alone)],
        t("dash.col.df"): [count(x) for x in frame["df"]],
        t("dash.col.reading"): [reading_text(v) for v in frame["point_reaches"]],
    })


def _number(x: Any) -> float | None:
    return None if missing(x) else float(x)


def forest_spec(frame: pd.DataFrame, names: list[str], o: Any, has_threshold: bool, level: float, lang: str) -> dict:
    """The forest plot (estimate and interval per place, coloured by verdict) as a Vega-Lite spec,
    written directly (importing and validating Altair would cost more than the rest of the view)."""
    rows = [{"domain": name, "estimate": _number(e), "low": _number(lo), "high": _number(hi), "verdict": verdict_text(v),
             "alone": not (isinstance(v, str) and v == "few_sites")}
            for name, e, lo, hi, v in zip(names, frame["estimate"], frame["ci_low"], frame["ci_high"], frame["verdict"])]
    lows = [r["low"] for r in rows if r["low"] is not None]
    x_min = max(0.0, min(min(lows, default=1.0), float(o.threshold) if has_threshold else 1.0) - 0.05)
    y = {"field": "domain", "type": "nominal", "sort": names, "title": None, "axis": {"labelOverlap": False}}
    scale = {"domain": [t(f"dash.verdict.{v}") for v in VERDICT_COLOURS], "range": list(VERDICT_COLOURS.values())}
    layers: list[dict] = [
        {"mark": {"type": "rule"}, "encoding": {
            "y": y,
            "x": {"field": "low", "type": "quantitative", "scale": {"domain": [x_min, 1.0]},
                  "axis": {"format": "%", "tickCount": 5},
                  "title": interval_label(level, lang) if has_threshold else t("dash.forest.x")},
            "x2": {"field": "high"},
            "color": {"field": "verdict", "type": "nominal", "scale": scale, "title": t("dash.col.verdict"),
                      "legend": {"orient": "bottom", "columns": 1, "labelLimit": 260}},
            "strokeWidth": {"condition": {"test": "datum.alone", "value": 2.5}, "value": 1}}},
        {"mark": {"type": "square", "size": 70}, "encoding": {
            "y": y,
            "x": {"field": "estimate", "type": "quantitative"},
            "color": {"field": "verdict", "type": "nominal", "scale": scale},
            "opacity": {"condition": {"test": "datum.alone", "value": 1}, "value": 0.45},
            "tooltip": [{"field": "domain", "type": "nominal"},
                        *({"field": f, "type": "quantitative", "format": ".1%"} for f in ("estimate", "low", "high"))]}},
    ]
    if has_threshold:
        layers.append({"data": {"values": [{"threshold": float(o.threshold)}]},
                       "mark": {"type": "rule", "color": "#c42828", "strokeDash": [6, 4], "strokeWidth": 2},
                       "encoding": {"x": {"field": "threshold", "type": "quantitative"}}})
    return {"data": {"values": rows}, "height": {"step": 24}, "layer": layers}


def render_indicator(results: Any, data: Any, questionnaire_id: str, indicator: str, names: Names, lang: str,
                     min_df: int, key: tuple) -> None:
    """One indicator's heading, overall sentence, table, forest plot and LQAS table."""
    overall = results.overall()
    mine = overall[(overall["questionnaire_id"] == questionnaire_id) & (overall["var"] == indicator)]
    o = mine.iloc[0]
    township = results.by_stratum(indicator)
    township = township[township["questionnaire_id"] == questionnaire_id]
    label = names.indicator(questionnaire_id, indicator)
    has_threshold = o.threshold is not pd.NA and o.threshold is not None
    st.subheader(f"{label} · " + (t("dash.results.threshold", threshold=pct(o.threshold, 0)) if has_threshold
                                  else t("dash.results.no_threshold")))
    if data.questionnaires[questionnaire_id].audience == "residents" and getattr(o, "mode", None) in MODE_WORDS:
        st.caption(MODE_WORDS[o.mode][f"long_{lang}"], help=None)
    if missing(o.estimate):  # no applicable response yet
        st.info(t("dash.results.no_data"), icon=":material/hourglass_empty:")
        return
    level = results.level
    if has_threshold:
        st.markdown(t("dash.results.overall", estimate=pct(o.estimate), interval=span(o.ci_low, o.ci_high, n=o.n, verdict=o.verdict, language=lang),
                      label=interval_label(level, lang), verdict=f"**{verdict_text(o.verdict)}**",
                      reading=t("dash.reading.yes") if o.point_reaches is not pd.NA and bool(o.point_reaches)
                      else t("dash.reading.no"))
                    + "  \n" + t("dash.results.reference", label=interval_label(level, lang, one_sided=False),
                                  interval=span(o.two_sided_low, o.two_sided_high, n=o.n, verdict=o.verdict, language=lang)))
    frame = pd.concat([mine, township])
    places = [t("dash.county")] + [str(d) for d in township["domain"]]
    table = result_table(frame, places, level, has_threshold, lang)
    st.dataframe(table, hide_index=True, key=f"dash.results.table.{questionnaire_id}.{indicator}",
                 height=36 * (len(table) + 1) + 4,
                 column_config={t("dash.col.domain"): st.column_config.Column(pinned=True),
                                t("dash.col.verdict"): st.column_config.Column(pinned=True, help=t("dash.col.verdict.help"))})
    if any(isinstance(v, str) and v == "few_sites" for v in frame["verdict"]):
        st.caption(t("dash.results.few_sites_note", min_df=min_df))
    chart = chart_cache.spec(("forest", questionnaire_id, indicator, lang, *key),
                             lambda: forest_spec(frame, places, o, has_threshold, level, lang))
    st.vega_lite_chart(spec=chart, key=f"dash.results.forest.{questionnaire_id}.{indicator}", width="stretch")
    lq = results.lqas[(results.lqas["questionnaire_id"] == questionnaire_id) & (results.lqas["var"] == indicator)] if len(results.lqas) else None
    if lq is not None and len(lq):
        st.markdown("**" + t("dash.lqas.title", n=int(lq.iloc[0]["n_rule"]), d=int(lq.iloc[0]["d_rule"])) + "**")
        st.dataframe(pd.DataFrame({
            t("dash.col.stratum"): lq["stratum"], t("dash.col.sampled"): lq["sampled"],
            t("dash.col.successes"): lq["successes"],
            t("dash.col.lqas"): [t(f"dash.lqas.{c}") for c in lq["classification"]],
        }), hide_index=True, key=f"dash.results.lqas.{questionnaire_id}.{indicator}")


def render(results: Any, data: Any, quality: Any, compared: Any, names: Names, lang: str, min_df: int, key: tuple) -> None:
    """The 结果与判定 view; each part failure-isolated (``key``: data version and choices, for the charts)."""
    st.info(rule_text(results.level, lang, min_df), icon=":material/rule:")
    st.caption(t("dash.results.intro"))
    with isolated("dashboard.quality"):
        quality_panel.render_sensitivity(quality, compared, data.questionnaires)
    st.divider()
    for questionnaire_id, indicator in results.indicators:
        with isolated(f"dashboard.results.{questionnaire_id}.{indicator}"):
            render_indicator(results, data, questionnaire_id, indicator, names, lang, min_df, key)
            st.divider()
    with isolated("dashboard.results.means"):
        render_means(results, lang, names.indicator)  # score indicators the profile reports as a mean


__all__ = ["VERDICT_COLOURS", "forest_spec", "reading_text", "render", "result_table", "verdict_text"]
