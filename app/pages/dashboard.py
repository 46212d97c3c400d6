"""Evaluator dashboard: progress against quotas, weighted rates with intervals and verdicts per
township, anytime-valid watching flags, and the report and data downloads.

Every number comes from ``analysis.campaign`` (and the files from ``analysis.report``); the
page only wires the choices to them. Responses are read incrementally (only those that arrived
since the last look) and results are cached until the data or the choices change.
"""

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from analysis import AnalysisError
from analysis.campaign import (
    CI_DEFAULT,
    WEIGHTINGS,
    Filters,
    PopulationError,
    ResponseCache,
    ResultOptions,
    progress_by_stratum,
    read_population,
)
from analysis.integrity import load_quality, sensitivity
from analysis.intervals import CI_METHODS
from analysis.formatting import count, fixed, in_china, indicator_labels, local_stamp, missing
from analysis.formatting import interval as span
from analysis.formatting import percent as pct
from analysis.campaign.weights import MODE_WORDS
from analysis.verdict import MIN_DF, interval_label, rule_text
from app import fieldwork_panel, items_panel, services
from app.incidents import isolated
from app.means_panel import render_means
from app.quality_panel import render_sensitivity
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from app.safe import plain
from app.widgets import campaign_picker
from survey.questionnaire import pick

account = require("admin", "evaluator")
lang = language()
store = services.store()
st.title(t("dash.title"))
staff_chrome()
st.caption(t("dash.intro"))


@st.cache_resource(show_spinner=False)
def response_cache(campaign_id: int) -> ResponseCache:
    """One incremental cache per campaign and process: a refresh reads only new responses."""
    return ResponseCache(campaign_id)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_quality(campaign_id: int, version: tuple, reviews: tuple, _store, _data):  # noqa: ANN001, ANN202
    """Flags and review state of the responses already read (``_data``); recomputed when responses
    arrive or a review or parameter changes."""
    return load_quality(_store, campaign_id, _data)


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_sensitivity(campaign_id: int, version: tuple, reviews: tuple, options_key: tuple, _data, _quality, _options):  # noqa: ANN001, ANN202
    """Results on all responses (less the excluded) and without the open flagged ones."""
    return sensitivity(_data, _quality, _options)


def labels(prefix: str):  # noqa: ANN201
    """format_func for options shown through the strings table (kept: AppTest calls it later)."""
    cache: dict = {}

    def label(option) -> str:  # noqa: ANN001
        if option not in cache:
            cache[option] = t(prefix + str(option))
        return cache[option]

    return label


cache = response_cache(int(campaign_picker(store.campaigns(), key="dash.campaign").id))
try:
    data = cache.refresh(store)
except Exception as exc:  # a broken stored questionnaire or profile: say what, do not crash the page
    st.error(t("dash.error", message=plain(exc)))
    st.stop()
campaign = data.campaign
if campaign.demo:
    st.warning(t("dash.demo_note"), icon=":material/science:")
questionnaire_title = {qid: pick(q.title, lang) for qid, q in data.questionnaires.items()}
indicator_names = indicator_labels(data.questionnaires, lang)

# --------------------------------------------------------------------------------- choices
with st.expander(t("dash.choices"), expanded=False, icon=":material/tune:"):
    left, right = st.columns(2)
    weighting = left.radio(
        t("dash.weighting"), WEIGHTINGS, key="dash.weighting", format_func=labels("dash.weighting."),
        captions=[t(f"dash.weighting.help.{w}") for w in WEIGHTINGS],
    )
    population = None
    if weighting in ("poststratify", "rake"):
        upload = left.file_uploader(t("dash.population"), type=["csv", "xlsx"], key="dash.population",
                                    help=t("dash.population.help"))
        if upload is None:
            left.info(t("dash.population.needed"))
        else:
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                try:
                    population = read_population(path, data)
                    left.success(t("dash.population.ok", cells=len(population.cells), columns=", ".join(population.columns)))
                except PopulationError as exc:
                    left.error(t("dash.population.problems"))
                    left.dataframe(pd.DataFrame([{"row": p.row, "column": p.column, "problem": p.message} for p in exc.problems]),
                                   hide_index=True, key="dash.population.problems")
    ci = right.selectbox(t("dash.ci"), CI_METHODS, index=CI_METHODS.index(CI_DEFAULT), key="dash.ci",
                         format_func=labels("dash.ci."), help=t("dash.ci.help"))
    levels = sorted({0.90, 0.95, 0.99, float(data.level)})
    level = right.selectbox(t("dash.level"), levels, index=levels.index(float(data.level)), key="dash.level",
                            format_func=lambda v: f"{v:.0%}", help=t("dash.level.help"))
    exclude_surveyor = right.checkbox(t("dash.exclude_surveyor"), key="dash.exclude_surveyor", help=t("dash.exclude_surveyor.help"))
    exclude_import = right.checkbox(t("dash.exclude_import"), key="dash.exclude_import")
    dates = right.date_input(t("dash.dates"), value=(campaign.opens_on, max(campaign.closes_on, dt.date.today())),
                             key="dash.dates", help=t("dash.dates.help"))
    exclude_flagged = right.checkbox(t("quality.exclude_flagged"), key="dash.exclude_flagged",
                                     help=t("quality.exclude_flagged.help"))
    use_lqas = right.toggle(t("dash.lqas"), key="dash.lqas", help=t("dash.lqas.help"))
    lqas = None
    if use_lqas:
        c1, c2 = right.columns(2)
        n_rule = c1.number_input(t("dash.lqas.n"), 1, 2000, 19, key="dash.lqas.n")
        d_rule = c2.number_input(t("dash.lqas.d"), 1, 2000, 13, key="dash.lqas.d")
        lqas = {i: (int(n_rule), int(min(d_rule, n_rule))) for q in data.questionnaires for i in data.indicators(q)}

date_from, date_to = (dates if isinstance(dates, tuple) and len(dates) == 2 else (None, None))
filters = Filters(include_surveyor=not exclude_surveyor, include_import=not exclude_import,
                  date_from=date_from if date_from and date_from > campaign.opens_on else None,
                  date_to=date_to if date_to and date_to < max(campaign.closes_on, dt.date.today()) else None)
effective = weighting if (weighting not in ("poststratify", "rake") or population is not None) else "design"
options = ResultOptions(weighting=effective, population=population if effective != "design" else None, ci=ci,
                        level=float(level), filters=filters, lqas=lqas)
options_key = (effective, None if population is None else tuple(sorted(population.cells.items())), ci, float(level),
               filters, None if lqas is None else tuple(sorted(lqas.items())))
latest = store.audit_log(campaign.id, limit=1)
review_key = (latest[0].id if latest else 0,)
try:
    quality = cached_quality(campaign.id, cache.version, review_key, store, data)
    compared = cached_sensitivity(campaign.id, cache.version, review_key, options_key, data, quality, options)
    results = compared.results_clean if exclude_flagged else compared.results_all
except AnalysisError as exc:
    st.error(t("dash.error", message=plain(exc)))
    st.stop()

top = st.columns([4, 1])
zone = t("dash.zone.china") if in_china(campaign.timezone) else campaign.timezone
top[0].caption(t("dash.updated", time=local_stamp(dt.datetime.now(dt.timezone.utc), campaign.timezone), zone=zone, n=len(data.table)))
if top[1].button(t("dash.refresh"), key="dash.refresh", icon=":material/refresh:"):
    st.rerun()
if len(data.table) == 0:
    st.info(t("dash.empty"), icon=":material/hourglass_empty:")
elif results.is_empty:
    st.info(t("dash.filtered_empty"))


def where(step) -> str:  # noqa: ANN001
    return step.stratum or t("dash.county")


def indicator_label(questionnaire_id: str, indicator: str) -> str:
    return indicator_names.get((questionnaire_id, indicator), indicator)


def step_text(step) -> str:  # noqa: ANN001
    title = questionnaire_title.get(step.questionnaire_id, step.questionnaire_id)
    if step.kind == "no_responses":
        return t("dash.next.no_responses", stratum=step.stratum, site=step.site_name, questionnaire=title, count=step.count)
    if step.kind == "more_responses":
        key = "dash.next.close_call" if step.close_call else "dash.next.more"
        return t(key, where=where(step), count=step.count, questionnaire=title,
                 indicator=indicator_label(step.questionnaire_id, step.indicator))
    if step.kind == "few_sites":
        return t("dash.next.few_sites", stratum=where(step), questionnaire=title, count=step.count,
                 add=getattr(step, "sites_to_add", 0) or 1)
    if step.kind in ("low_contact", "high_refusal"):
        return fieldwork_panel.step_text(step)
    return t("dash.next.behind", stratum=step.stratum, site=step.site_name, questionnaire=title, count=step.count)


households = fieldwork_panel.household_frame(store, campaign.id)  # None: no door-to-door households
tab_progress, tab_results, tab_watch, tab_items, tab_export, *tab_fieldwork = st.tabs(
    [t("dash.tab.progress"), t("dash.tab.results"), t("dash.tab.watch"), t("dash.tab.items"), t("dash.tab.export")]
    + ([t("dash.tab.fieldwork")] if households is not None else [])
)

# --------------------------------------------------------------------------------- progress
with tab_progress, isolated("dashboard.progress"):
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

    st.subheader(t("dash.next"))
    steps = [*results.next_steps, *fieldwork_panel.next_steps(households, campaign)]
    steps.sort(key=lambda s: s.priority)  # stable: each list keeps its own order
    if steps:
        shown = steps[:12]
        st.markdown("\n".join(f"- {plain(step_text(s))}" for s in shown))
        if len(steps) > len(shown):
            rest = steps[len(shown):]
            kinds = "、".join(dict.fromkeys(t(f"dash.next.kind.{s.kind}") for s in rest)) if lang == "zh" else \
                ", ".join(dict.fromkeys(t(f"dash.next.kind.{s.kind}") for s in rest))
            with st.expander(t("dash.next.rest", n=len(rest), kinds=kinds)):
                st.markdown("\n".join(f"- {plain(step_text(s))}" for s in steps[len(shown):]))
    else:
        st.caption(t("dash.next.none"))

    st.subheader(t("dash.progress.by_stratum"))
    summary = progress_by_stratum(progress)
    if len(summary):
        view = pd.DataFrame({
            t("dash.col.stratum"): summary["stratum"],
            t("dash.col.questionnaire"): summary["questionnaire_id"].map(questionnaire_title),
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
            t("dash.col.questionnaire"): empty_sites["questionnaire_id"].map(questionnaire_title), t("dash.col.quota"): empty_sites["quota"],
        }), hide_index=True, key="dash.progress.empty")
    else:
        st.caption(t("dash.progress.no_empty_sites"))
    if len(results.timeline):
        st.subheader(t("dash.progress.over_time"))
        timeline = results.timeline.assign(questionnaire=results.timeline["questionnaire_id"].map(questionnaire_title))
        chart = alt.Chart(timeline).mark_line(point=True).encode(
            x=alt.X("date:T", title=t("dash.col.date"),
                    axis=alt.Axis(format="%-m月%-d日" if lang == "zh" else "%b %-d", labelAngle=0)),
            y=alt.Y("cumulative:Q", title=t("dash.col.responses")),
            color=alt.Color("questionnaire:N", title=t("dash.col.questionnaire"),
                            legend=alt.Legend(orient="bottom", columns=1, labelLimit=260)),
        )
        st.altair_chart(chart, key="dash.progress.chart")
    with st.expander(t("dash.progress.by_site")):
        st.dataframe(pd.DataFrame({
            t("dash.col.stratum"): progress["stratum"], t("dash.col.site"): progress["site_name"],
            t("dash.col.questionnaire"): progress["questionnaire_id"].map(questionnaire_title), t("dash.col.quota"): progress["quota"],
            t("dash.col.responses"): progress["responses"], t("dash.col.remaining"): progress["remaining"],
        }), hide_index=True, key="dash.progress.sites")

# --------------------------------------------------------------------------------- results
VERDICT_COLOURS = {"met": "#1a7f37", "not_met": "#c42828", "inconclusive": "#6e6e6e", "few_sites": "#bdbdbd"}
min_df = int(getattr(data.profile, "min_df", MIN_DF)) if data.profile is not None else MIN_DF


def verdict_text(v) -> str:  # noqa: ANN001
    return t(f"dash.verdict.{v}") if isinstance(v, str) else t("dash.verdict.none")


def reading_text(v) -> str:  # noqa: ANN001
    if missing(v):
        return "—"
    return t("dash.point.yes") if bool(v) else t("dash.point.no")


with tab_results, isolated("dashboard.results"):
    st.info(rule_text(results.level, lang, min_df), icon=":material/rule:")
    st.caption(t("dash.results.intro"))
    with isolated("dashboard.quality"):
        render_sensitivity(quality, compared, data.questionnaires)
    st.divider()
    for number, (questionnaire_id, indicator) in enumerate(results.indicators):
        with isolated(f"dashboard.results.{questionnaire_id}.{indicator}"):
            overall = results.overall()
            o = overall[(overall["questionnaire_id"] == questionnaire_id) & (overall["var"] == indicator)].iloc[0]
            township = results.by_stratum(indicator)
            township = township[township["questionnaire_id"] == questionnaire_id]
            label = indicator_label(questionnaire_id, indicator)
            has_threshold = o.threshold is not pd.NA and o.threshold is not None
            st.subheader(f"{label} · " + (t("dash.results.threshold", threshold=pct(o.threshold, 0)) if has_threshold
                                          else t("dash.results.no_threshold")))
            if data.questionnaires[questionnaire_id].audience == "residents" and getattr(o, "mode", None) in MODE_WORDS:
                st.caption(MODE_WORDS[o.mode][f"long_{lang}"], help=None)
            if missing(o.estimate):  # no applicable response yet
                st.info(t("dash.results.no_data"), icon=":material/hourglass_empty:")
                continue
            if has_threshold:
                st.markdown(t("dash.results.overall", estimate=pct(o.estimate), interval=span(o.ci_low, o.ci_high, n=o.n, verdict=o.verdict, language=lang),
                              label=interval_label(results.level, lang),
                              verdict=f"**{verdict_text(o.verdict)}**",
                              reading=t("dash.reading.yes") if o.point_reaches is not pd.NA and bool(o.point_reaches)
                              else t("dash.reading.no"))
                            + "  \n" + t("dash.results.reference", label=interval_label(results.level, lang, one_sided=False),
                                          interval=span(o.two_sided_low, o.two_sided_high, n=o.n, verdict=o.verdict, language=lang)))
            frame = pd.concat([overall[(overall["questionnaire_id"] == questionnaire_id) & (overall["var"] == indicator)], township])
            names = [t("dash.county")] + [str(d) for d in township["domain"]]
            alone = [not (isinstance(v, str) and v == "few_sites") for v in frame["verdict"]]  # too few sites: SE and deff mean nothing
            table = pd.DataFrame({
                t("dash.col.domain"): names,
                t("dash.col.n"): pd.array([None if missing(x) else int(x) for x in frame["n"]], dtype="Int64"),
                t("dash.col.estimate"): [pct(x) for x in frame["estimate"]],
                interval_label(results.level, lang) if has_threshold else t("dash.col.ci"):
                    [span(a, b, n=n, verdict=v, language=lang, sep=" – ")
                     for a, b, n, v in zip(frame["ci_low"], frame["ci_high"], frame["n"], frame["verdict"])],
                t("dash.col.se"): [pct(x, 2) if ok else "—" for x, ok in zip(frame["se"], alone)],
                t("dash.col.deff"): [fixed(x) if ok else "—" for x, ok in zip(frame["deff"], alone)],
                t("dash.col.df"): [count(x) for x in frame["df"]],
                t("dash.col.verdict"): [verdict_text(v) for v in frame["verdict"]],
                t("dash.col.reading"): [reading_text(v) for v in frame["point_reaches"]],
            })
            st.dataframe(table, hide_index=True, key=f"dash.results.table.{questionnaire_id}.{indicator}",
                         height=36 * (len(table) + 1) + 4)
            if not all(alone):
                st.caption(t("dash.results.few_sites_note", min_df=min_df))
            plot = pd.DataFrame({
                "domain": names, "estimate": frame["estimate"].astype(float).to_numpy(),
                "low": frame["ci_low"].astype(float).to_numpy(), "high": frame["ci_high"].astype(float).to_numpy(),
                "verdict": [verdict_text(v) for v in frame["verdict"]],
            })
            order = names
            scale = alt.Scale(domain=[t(f"dash.verdict.{v}") for v in VERDICT_COLOURS], range=list(VERDICT_COLOURS.values()))
            x_min = max(0.0, min(plot["low"].min(skipna=True), float(o.threshold) if has_threshold else 1.0) - 0.05)
            base = alt.Chart(plot).encode(y=alt.Y("domain:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)))
            plot["alone"] = alone
            bars = base.mark_rule().encode(
                x=alt.X("low:Q", scale=alt.Scale(domain=[x_min, 1.0]), axis=alt.Axis(format="%", tickCount=5),
                        title=interval_label(results.level, lang) if has_threshold else t("dash.forest.x")),
                x2="high:Q", color=alt.Color("verdict:N", scale=scale, title=t("dash.col.verdict"),
                                             legend=alt.Legend(orient="bottom", columns=1, labelLimit=260)),
                strokeWidth=alt.condition("datum.alone", alt.value(2.5), alt.value(1)))
            points = base.mark_square(size=70).encode(x="estimate:Q", color=alt.Color("verdict:N", scale=scale),
                                                      opacity=alt.condition("datum.alone", alt.value(1), alt.value(0.45)),
                                                      tooltip=["domain", alt.Tooltip("estimate:Q", format=".1%"),
                                                               alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")])
            layers = [bars, points]
            if has_threshold:
                layers.append(alt.Chart(pd.DataFrame({"threshold": [float(o.threshold)]})).mark_rule(
                    color="#c42828", strokeDash=[6, 4], strokeWidth=2).encode(x="threshold:Q"))
            st.altair_chart(alt.layer(*layers).properties(height=alt.Step(24)),
                            key=f"dash.results.forest.{questionnaire_id}.{indicator}")
            lq = results.lqas[(results.lqas["questionnaire_id"] == questionnaire_id) & (results.lqas["var"] == indicator)] if len(results.lqas) else None
            if lq is not None and len(lq):
                st.markdown("**" + t("dash.lqas.title", n=int(lq.iloc[0]["n_rule"]), d=int(lq.iloc[0]["d_rule"])) + "**")
                st.dataframe(pd.DataFrame({
                    t("dash.col.stratum"): lq["stratum"], t("dash.col.sampled"): lq["sampled"],
                    t("dash.col.successes"): lq["successes"],
                    t("dash.col.lqas"): [t(f"dash.lqas.{c}") for c in lq["classification"]],
                }), hide_index=True, key=f"dash.results.lqas.{questionnaire_id}.{indicator}")
            st.divider()
    with isolated("dashboard.results.means"):
        render_means(results, lang, indicator_label)  # score indicators the profile reports as a mean

# --------------------------------------------------------------------------------- watching
with tab_watch, isolated("dashboard.watch"):
    st.caption(t("dash.watch.intro", alpha=f"{1 - results.level:.0%}"))
    watch = results.watch
    if len(watch):
        strata = results.strata
        rows = []
        for domain in [None, *strata]:
            row = {t("dash.col.domain"): t("dash.county") if domain is None else domain}
            for questionnaire_id, indicator in results.indicators:
                w = watch[(watch["questionnaire_id"] == questionnaire_id) & (watch["var"] == indicator)]
                w = w[w["scope"] == "overall"] if domain is None else w[w["domain"] == domain]
                row[indicator_label(questionnaire_id, indicator)] = t(f"dash.flag.{w.iloc[0]['flag']}") if len(w) else "—"
            rows.append(row)
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="dash.watch.table")

# --------------------------------------------------------------------------------- item analysis
with tab_items:
    items_panel.render(data, results, lang)

# --------------------------------------------------------------------------------- fieldwork
for tab in tab_fieldwork:
    with tab:
        with isolated("dashboard.fieldwork"):
            fieldwork_panel.render(households, campaign)

# --------------------------------------------------------------------------------- exports
with tab_export, isolated("dashboard.export"):
    st.caption(t("dash.export.intro"))
    export_key = (campaign.id, cache.version, options_key, review_key, exclude_flagged)
    files = st.session_state.get("dash.export.files")
    if st.button(t("dash.export.prepare"), key="dash.export.prepare", icon=":material/description:"):
        from analysis.report import collect, render
        from analysis.report.data import responses_frame
        from analysis.report.exports import csv_bytes

        bar = st.progress(0.0, text=t("dash.export.step.results"))
        report = collect(store, campaign.id, options, data=data, flags=quality, compared=compared,
                         exclude_flagged=exclude_flagged)
        files = {"key": export_key}
        for share, (name, fmt) in zip((0.1, 0.35, 0.55, 0.9), (("xlsx", "xlsx"), ("docx", "docx"), ("pdf", "pdf"),
                                                              ("csv_estimates", "csv"))):
            bar.progress(share, text=t(f"dash.export.step.{fmt}"))
            files[name] = render(report, fmt)
        files["responses"] = {q: csv_bytes(responses_frame(report, q)) for q in data.questionnaires}
        bar.progress(1.0, text=t("dash.export.step.done"))
        st.session_state["dash.export.files"] = files
    if files and files.get("key") == export_key:
        st.success(t("dash.export.ready"))
        stem = f"campaign-{campaign.id}"
        c = st.columns(4)
        c[0].download_button(t("dash.export.xlsx"), files["xlsx"], f"{stem}.xlsx", key="dash.export.xlsx", on_click="ignore",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        c[1].download_button(t("dash.export.docx"), files["docx"], f"{stem}.docx", key="dash.export.docx", on_click="ignore",
                             mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        c[2].download_button(t("dash.export.pdf"), files["pdf"], f"{stem}.pdf", key="dash.export.pdf", mime="application/pdf", on_click="ignore")
        c[3].download_button(t("dash.export.csv_estimates"), files["csv_estimates"], f"{stem}-estimates.csv",
                             key="dash.export.csv_estimates", mime="text/csv", on_click="ignore")
        st.caption(t("dash.export.csv_help"))
        r = st.columns(max(1, len(files["responses"])))
        for column, (qid, content) in zip(r, files["responses"].items()):
            column.download_button(t("dash.export.csv_responses", questionnaire=questionnaire_title.get(qid, qid)), content,
                                   f"{stem}-responses-{qid}.csv", key=f"dash.export.csv_responses.{qid}", mime="text/csv",
                                   on_click="ignore")
