"""Evaluator dashboard: progress against quotas, weighted rates with intervals and verdicts per
township, anytime-valid watching flags, item analysis, and the report and data files (each made on
demand). One view at a time: the tabs keep their state and only the open one runs.

Every number comes from ``analysis.campaign`` (and the files from ``analysis.report``); the
page only wires the choices to them. Responses are read incrementally (only those that arrived
since the last look) and results are cached until the data or the choices change.
"""

import datetime as dt
from dataclasses import replace

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
    read_population,
    with_watch,
)
from analysis.integrity import load_quality, sensitivity
from analysis.intervals import CI_METHODS
from analysis.sequential import FEW_SITES
from analysis.formatting import in_china, indicator_labels, local_stamp
from analysis.verdict import MIN_DF
from app import export_panel, fieldwork_panel, items_panel, progress_panel, results_panel, services
from app.incidents import isolated
from app.progress_panel import Names
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
def response_cache(database: str, campaign_id: int) -> ResponseCache:
    """One incremental cache per database, campaign and process: a refresh reads only new responses."""
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


cache = response_cache(store.url, int(campaign_picker(store.campaigns(), key="dash.campaign").id))
try:
    data = cache.refresh(store)
except Exception as exc:  # a broken stored questionnaire or profile: say what, do not crash the page
    st.error(t("dash.error", message=plain(exc)))
    st.stop()
data_version = (store.url, *cache.version)  # the database too: one process may open several (tests do)
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
    quality = cached_quality(campaign.id, data_version, review_key, store, data)
    # the watching flags only where they are shown (the 监测 view and the files), added to these results
    compared = cached_sensitivity(campaign.id, data_version, review_key, (*options_key, "no watch"), data, quality,
                                  replace(options, watch=False))
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


names = Names(questionnaire_title, indicator_names)
min_df = int(getattr(data.profile, "min_df", MIN_DF)) if data.profile is not None else MIN_DF
view_key = (data_version, review_key, options_key, exclude_flagged)  # what every view's numbers depend on


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_watch(key: tuple, _results, _data):
    """The shown results with their watching flags, once per ``key`` (data version, reviews, choices):
    only the flags are computed (about 0.1 s at 5,000 responses), the 监测 view and the files share them."""
    return with_watch(_results, _data)


def watched():
    """The shown results (all, or without the open flagged responses) with their watching flags."""
    return cached_watch((campaign.id, *view_key), results, data)


def watched_comparison():
    """``compared`` with the shown results carrying their watching flags (what the files read)."""
    return replace(compared, **{"results_clean" if exclude_flagged else "results_all": watched()})


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_report(key: tuple, _options, _data, _quality, _compared):  # noqa: ANN001, ANN202
    """The report's data (results, answers, items) for the files, assembled once per data and choices."""
    from analysis.report import collect

    return collect(store, campaign.id, _options, data=_data, flags=_quality, compared=_compared,
                   exclude_flagged=key[-1], items=items_panel.counted(key[1:], _data, _results_of(_compared, key[-1])))


def _results_of(compared, exclude: bool):  # noqa: ANN001, ANN202
    return compared.results_clean if exclude else compared.results_all


households = fieldwork_panel.household_frame(store, campaign.id)  # None: no door-to-door households
# one view at a time: the tabs keep their state and only the open one runs (switching reruns the page)
tab_progress, tab_results, tab_watch, tab_items, tab_export, *tab_fieldwork = st.tabs(
    [t("dash.tab.progress"), t("dash.tab.results"), t("dash.tab.watch"), t("dash.tab.items"), t("dash.tab.export")]
    + ([t("dash.tab.fieldwork")] if households is not None else []), key="dash.view", on_change="rerun",
)

if tab_progress.open:
    with tab_progress, isolated("dashboard.progress"):
        progress_panel.render(results, campaign, households, names, lang, view_key)

if tab_results.open:
    with tab_results, isolated("dashboard.results"):
        results_panel.render(results, data, quality, compared, names, lang, min_df, view_key)

if tab_watch.open:
    with tab_watch, isolated("dashboard.watch"):
        st.caption(t("dash.watch.intro", alpha=f"{1 - results.level:.0%}"))
        with st.spinner(t("dash.watch.computing")):  # the first look after new data: about 0.1 s
            watch = watched().watch
        if len(watch):
            # (questionnaire, indicator, township or None) -> flag, read once (the first row of each, as before)
            flags: dict[tuple, str] = {}
            for qid, var, scope, domain, flag in zip(watch["questionnaire_id"], watch["var"], watch["scope"],
                                                      watch["domain"], watch["flag"]):
                flags.setdefault((qid, var, None if scope == "overall" else domain), flag)
            words = {flag: t(f"dash.flag.{flag}") for flag in set(flags.values())}
            rows, quiet = [], []
            for domain in [None, *results.strata]:
                cells = [flags.get((qid, indicator, domain)) for qid, indicator in results.indicators]
                if domain is not None and FEW_SITES in cells and set(cells) <= {FEW_SITES, None}:
                    quiet.append(domain)  # no hint on any indicator: named once below, not a row of repeats
                    continue
                row = {t("dash.col.domain"): t("dash.county") if domain is None else domain}
                for (questionnaire_id, indicator), flag in zip(results.indicators, cells):
                    row[names.indicator(questionnaire_id, indicator)] = "—" if flag is None else words[flag]
                rows.append(row)
            st.dataframe(pd.DataFrame(rows), hide_index=True, key="dash.watch.table")
            if quiet:
                st.caption(t("dash.watch.quiet", n=len(quiet), names=("、" if lang == "zh" else ", ").join(quiet)))

if tab_items.open:
    with tab_items:
        items_panel.render(data, results, lang, view_key)

for tab in tab_fieldwork:
    if tab.open:
        with tab, isolated("dashboard.fieldwork"):
            fieldwork_panel.render(households, campaign)

if tab_export.open:
    with tab_export, isolated("dashboard.export"):
        export_key = (campaign.id, *view_key)
        export_panel.render(export_key, lambda: cached_report(export_key, options, data, quality, watched_comparison()),
                            questionnaire_title, f"campaign-{campaign.id}")
