"""Planner: sample sizes (county beside every township), LQAS rule, allocation to townships and
PPS selection of sites, with the plan to download. Every number comes from ``sampling``."""

import math

import altair as alt
import pandas as pd
import streamlit as st

from analysis.formatting import count
from analysis.formatting import level_percent as pct
from app.auth import current_role
from app.chrome import staff_chrome
from app.i18n import language, t
from app.i18n import table as i18n_table
from app.safe import plain
from app.table_problems import describe
from app.uploads import take
from sampling import (
    Frame,
    SamplingError,
    allocate,
    curve_rates,
    domain_sample_sizes,
    draw_plan,
    frame_data,
    lqas_rule,
    size_curve,
)
from sampling.demo import demo_frame
from sampling.household_plan import MODE_WORDS, indicator_mode, plan_households
from sampling.households import RANDOM_WALK_RULE
from survey.questionnaire import IndicatorKind, pick
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.profiles import load_profiles
from tabular import PUBLIC_LIMITS
from tabular.aliases import FRAME_HINTS, guess_column

lang = language()
st.title(t("planner.title"))
staff_chrome()
st.caption(t("planner.intro"))


def stop_with(exc: Exception) -> None:
    message = describe(exc.problem) if isinstance(exc, SamplingError) and exc.code != "invalid" else str(exc)
    st.error(t("planner.error", message=plain(message)))  # the file's words as text, never markdown
    st.stop()


def labels(prefix: str):
    """format_func showing the string ``prefix + option``, translated during the run and kept
    (AppTest calls format_func again outside the run, where the language is not set)."""
    cache: dict[str, str] = {}

    def label(option: str) -> str:
        if option not in cache:
            cache[option] = t(prefix + option)
        return cache[option]

    return label


def points_text(difference: float) -> str:
    """A difference of two rates (0.1) in percentage points, as the page says it: "10 个百分点"."""
    return t("planner.points", n=f"{difference * 100:.1f}".removesuffix(".0"))


def thousands(values) -> list[str]:  # noqa: ANN001
    """Whole numbers with thousands separators (12,345), as shown in the tables."""
    return [f"{float(v):,.0f}" for v in values]


@st.cache_data(show_spinner=False, max_entries=64)
def curve(rates: tuple[float, ...], goal_items: tuple, method: str, deff: float, response_rate: float,
          population: float) -> list[tuple[float, int]]:
    return size_curve(rates, method=method, deff=deff, response_rate=response_rate, population=population,
                      **dict(goal_items))


# 1. Jurisdiction and frame -------------------------------------------------------------------
st.header(t("planner.setup"))
profiles = load_profiles()
indicator_labels: dict[str, str] = {}
for q in shipped_questionnaires().values():
    for indicator in q.indicators:
        if indicator.kind is IndicatorKind.BINARY:
            indicator_labels.setdefault(indicator.id, pick(indicator.label, lang))

left, right = st.columns(2)
profile_ids = list(profiles)
profile_id = left.selectbox(
    t("planner.profile"), profile_ids, index=profile_ids.index("liunan") if "liunan" in profile_ids else 0,
    format_func=lambda k: pick(profiles[k].name, lang), key="planner.profile",
)
profile = profiles[profile_id]
indicator_ids = list(profile.thresholds) or list(indicator_labels)
indicator_id = right.selectbox(
    t("planner.indicator"), indicator_ids, format_func=lambda k: indicator_labels.get(k, k), key="planner.indicator"
)
profile_threshold = profile.find_threshold(indicator_id)
if profile_threshold is None:
    right.caption(t("planner.no_threshold"))
else:
    right.caption(t("planner.threshold_is", p=pct(profile_threshold)))
right.caption(t("planner.mode_is", mode=MODE_WORDS[indicator_mode(indicator_id)][lang]))

STAFF = ("admin", "evaluator")  # a file upload is for signed-in staff; anyone may paste a table (issue 23 item 2)
PASTE_CHARS = 400_000
staff = current_role() in STAFF
source = st.radio(
    t("planner.frame_source"), ["demo", "paste", "upload"] if staff else ["demo", "paste"], format_func=labels("planner.frame."),
    horizontal=True, key="planner.frame_source",
)
if source == "demo":
    st.info(t("planner.demo_note"))
    frame = demo_frame()
else:
    kept = st.session_state.get("planner.table") if source == "upload" else None
    if source == "paste":
        pasted = st.text_area(t("planner.paste"), key="planner.paste", height=160, max_chars=PASTE_CHARS,
                              placeholder="街镇\t编码\t人口")
        if not pasted.strip() or len(pasted) > PASTE_CHARS:
            st.info(t("planner.paste_hint"))
            st.stop()
        name = "pasted.csv"
        try:
            table = frame_data(pasted.encode("utf-8"), name=name, limits=PUBLIC_LIMITS, sniff=True)
        except SamplingError as exc:
            stop_with(exc)
    elif kept is not None:  # read before; the file itself is gone from memory
        name, table = kept
        if st.button(t("planner.upload_other", name=name), key="planner.upload_other"):
            st.session_state.pop("planner.table", None)
            st.session_state["planner.upload_round"] = st.session_state.get("planner.upload_round", 0) + 1
            st.rerun()
    else:
        upload = st.file_uploader(t("planner.upload"), type=["csv", "xlsx"],
                                  key=f"planner.upload.{st.session_state.get('planner.upload_round', 0)}")
        if upload is None:
            st.info(t("planner.upload_hint"))
            st.stop()
        name = upload.name
        try:
            table = frame_data(take(upload), name=name, limits=PUBLIC_LIMITS)
        except SamplingError as exc:
            stop_with(exc)
        st.session_state["planner.table"] = (name, table)
    columns = list(table.columns)
    c1, c2, c3 = st.columns(3)
    stratum_col = c1.selectbox(t("planner.col.stratum"), columns, index=guess_column(columns, FRAME_HINTS["stratum"], 0), key="planner.col.stratum")
    psu_col = c2.selectbox(t("planner.col.psu"), columns, index=guess_column(columns, FRAME_HINTS["psu"], 1), key="planner.col.psu")
    size_col = c3.selectbox(t("planner.col.size"), columns, index=guess_column(columns, FRAME_HINTS["size"], 2), key="planner.col.size")
    try:
        frame = Frame.from_dataframe(table, stratum=stratum_col, psu=psu_col, size=size_col, source=name)
    except SamplingError as exc:
        stop_with(exc)

totals = frame.stratum_totals()
populations = frame.populations()
st.caption(t("planner.frame_summary", strata=len(totals), psus=int(totals["psus"].sum()), people=float(totals["size"].sum())))

# 2. Sample size ------------------------------------------------------------------------------
st.header(t("planner.size"))
goal = st.radio(
    t("planner.goal"), ["threshold", "margin"], format_func=labels("planner.goal."),
    horizontal=True, key="planner.goal",
)
suffix = f"{profile_id}.{indicator_id}"
base = profile_threshold if profile_threshold is not None else 0.85
c1, c2, c3, c4 = st.columns(4)
if goal == "threshold":
    threshold = c1.number_input(t("planner.threshold"), 0.01, 0.99, float(base), 0.01, format="%.2f", key=f"planner.threshold.{suffix}")
    expected = c2.number_input(t("planner.expected"), 0.01, 0.99, float(min(base + 0.05, 0.99)), 0.01, format="%.2f", key=f"planner.expected.{suffix}")
    alpha = c3.number_input(t("planner.alpha"), 0.001, 0.2, 0.05, 0.005, format="%.3f", key="planner.alpha")
    power = c4.number_input(t("planner.power"), 0.5, 0.99, 0.8, 0.05, format="%.2f", key="planner.power")
    methods = ["normal", "exact"]
    goal_args = dict(threshold=threshold, alpha=alpha, power=power)
else:
    expected = c1.number_input(t("planner.expected"), 0.01, 0.99, float(min(base + 0.05, 0.99)), 0.01, format="%.2f", key=f"planner.expected.{suffix}")
    margin = c2.number_input(t("planner.margin"), 0.5, 30.0, 5.0, 0.5, format="%.1f", key="planner.margin_points",
                             help=t("planner.margin_help")) / 100  # typed in percentage points
    c2.caption(t("planner.margin_is", points=points_text(margin), low=pct(max(float(expected) - margin, 0.0)),
                 high=pct(min(float(expected) + margin, 1.0))))
    level = c3.number_input(t("planner.level"), 0.5, 0.999, float(profile.level), 0.01, format="%.3f", key="planner.level")
    methods = ["normal", "wilson", "exact"]
    goal_args = dict(margin=margin, level=level)
method = c4.selectbox(t("planner.method"), methods, format_func=labels("planner.method."), key=f"planner.method.{goal}")
c1, c2, _, _ = st.columns(4)
deff = c1.number_input(t("planner.deff"), 1.0, 10.0, 1.5, 0.1, format="%.2f", help=t("planner.deff_help"), key="planner.deff")
response_rate = c2.number_input(t("planner.response_rate"), 0.1, 1.0, 0.9, 0.05, format="%.2f", key="planner.response_rate")

try:
    sizes = domain_sample_sizes(populations, expected, method=method, deff=deff, response_rate=response_rate, **goal_args)
except SamplingError as exc:
    stop_with(exc)

county = sizes.county
left, right = st.columns(2)
with left:
    st.subheader(t("planner.county"))
    st.metric(t("planner.n_county"), count(county.n, thousands=True))
    steps = [
        (t("planner.step.n0"), county.n0),
        (t("planner.step.deff") + f" {county.deff:g}", county.after_deff),
        (t("planner.step.fpc", N=county.population), county.after_fpc),
        (t("planner.step.response") + f" {county.response_rate:g}", county.after_response),
        (t("planner.step.n"), county.n),
    ]
    st.caption(t("planner.steps"))
    st.dataframe(pd.DataFrame({"": [s for s, _ in steps], "n": [f"{v:,.1f}" for _, v in steps[:-1]] + [count(county.n, thousands=True)]}), hide_index=True)
    if county.critical_count is not None:
        st.caption(t("planner.exact_rule", n0=int(county.n0), c=county.critical_count, a=county.attained_alpha, p=county.attained_power))
    if county.n0_stable is not None and county.n0_stable > county.n0:
        st.caption(t("planner.sawtooth", stable=county.n0_stable))
with right:
    st.subheader(t("planner.townships"))
    st.metric(t("planner.n_townships"), count(sizes.townships_total, thousands=True))
    st.dataframe(
        pd.DataFrame(
            {
                t("planner.col.township"): list(sizes.townships),
                t("planner.col.population"): thousands(s.population for s in sizes.townships.values()),
                t("planner.col.n0"): [round(s.n0, 1) for s in sizes.townships.values()],
                t("planner.col.fpc"): [round(s.after_fpc, 1) for s in sizes.townships.values()],
                t("planner.col.n"): thousands(s.n for s in sizes.townships.values()),
            }
        ),
        hide_index=True,
    )
st.info(t("planner.ratio", ratio=sizes.ratio))

st.subheader(t("planner.curve"))
# over a range where n changes (from about 4 times the chosen n down), drawn unclamped
rates = tuple(float(r) for r in curve_rates(float(expected), threshold=float(threshold) if goal == "threshold" else None,
                                             points=31))
points = curve(rates, tuple(sorted(goal_args.items())), method, float(deff), float(response_rate), float(county.population))
if points:
    x_title, y_title = t("planner.curve.x"), t("planner.curve.y")
    chart_data = pd.DataFrame(points, columns=["expected", "n"])
    chosen = pd.DataFrame({"expected": [float(expected)], "n": [county.n], "label": [f"n = {county.n:,}"]})
    x = alt.X("expected:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=False))
    y = alt.Y("n:Q", title=y_title, axis=alt.Axis(format=",d"), scale=alt.Scale(zero=True))
    line = alt.Chart(chart_data).mark_line(color="#2e7d32", point=alt.OverlayMarkDef(size=12, color="#2e7d32")).encode(
        x=x, y=y, tooltip=[alt.Tooltip("expected:Q", format=".1%", title=x_title), alt.Tooltip("n:Q", format=",d", title=y_title)])
    dot = alt.Chart(chosen).mark_point(size=120, filled=True, color="#c42828").encode(x=x, y=y)
    text = alt.Chart(chosen).mark_text(dx=8, dy=-12, align="left", color="#c42828").encode(x=x, y=y, text="label:N")
    layers = [line, dot, text]
    if goal == "threshold":
        layers.append(alt.Chart(pd.DataFrame({"expected": [float(threshold)]})).mark_rule(
            color="#c42828", strokeDash=[6, 4]).encode(x=x))
    st.altair_chart(alt.layer(*layers).properties(height=260), key="planner.curve")
    if goal == "threshold":
        st.caption(t("planner.curve.caption", p=pct(float(expected)), n=count(county.n, thousands=True)))
    else:
        st.caption(t("planner.curve.caption_margin", p=pct(float(expected)), n=count(county.n, thousands=True),
                     points=points_text(margin)))

# 3. LQAS -------------------------------------------------------------------------------------
st.header(t("planner.lqas"))
st.caption(t("planner.lqas_intro"))
c1, c2, c3, c4 = st.columns(4)
# the target follows the threshold typed above (its value is part of the key, so a new threshold resets it)
target = float(threshold) if goal == "threshold" else float(base)
upper = c1.number_input(t("planner.lqas.upper"), 0.02, 0.99, target, 0.01, format="%.2f",
                        key=f"planner.lqas.upper.{suffix}.{target:.4f}")
lower = c2.number_input(t("planner.lqas.lower"), 0.01, 0.98, float(max(target - 0.10, 0.01)), 0.01, format="%.2f",
                        key=f"planner.lqas.lower.{suffix}.{target:.4f}")
if goal == "threshold":
    st.caption(t("planner.lqas.from_threshold", p=pct(target)))
lqas_alpha = c3.number_input(t("planner.lqas.alpha"), 0.01, 0.3, 0.10, 0.01, format="%.2f", key="planner.lqas.alpha")
lqas_beta = c4.number_input(t("planner.lqas.beta"), 0.01, 0.3, 0.10, 0.01, format="%.2f", key="planner.lqas.beta")
try:
    rule = lqas_rule(upper, lower, alpha=lqas_alpha, beta=lqas_beta)
except SamplingError as exc:
    st.error(t("planner.error", message=plain(exc)))
else:
    st.success(t("planner.lqas.result", n=rule.n, d=rule.d, a=rule.alpha, b=rule.beta))
    if rule.n > 19:
        st.caption(t("planner.lqas.classic", gap=points_text(upper - lower)))

# 4. Allocation -------------------------------------------------------------------------------
st.header(t("planner.allocation"))
basis = st.radio(
    t("planner.total"), ["county", "townships"], format_func=labels("planner."),
    horizontal=True, key="planner.basis", help=t("planner.total_help"),
)
if basis == "townships":
    allocation = {k: s.n for k, s in sizes.townships.items()}
else:
    c1, c2, c3, c4 = st.columns(4)
    total = c1.number_input(t("planner.total"), 1, int(sum(populations.values())), county.n, 10, key=f"planner.total.{county.n}")
    alloc_method = c2.selectbox(
        t("planner.alloc_method"), ["power", "proportional", "equal", "neyman"],
        format_func=labels("planner.alloc."), key="planner.alloc_method",
    )
    exponent = c3.slider(t("planner.exponent"), 0.0, 1.0, 0.5, 0.05, key="planner.exponent", disabled=alloc_method != "power")
    default_minimum = min(30, int(total) // len(populations))
    minimum = c4.number_input(t("planner.minimum"), 0, 10_000, default_minimum, 5, key=f"planner.minimum.{default_minimum}")
    try:
        result = allocate(populations, int(total), method=alloc_method, expected=expected, exponent=exponent, minimum=int(minimum))
    except SamplingError as exc:
        stop_with(exc)
    allocation = result.as_dict()
n_total = sum(allocation.values())
st.dataframe(
    pd.DataFrame(
        {
            t("planner.col.township"): list(allocation),
            t("planner.col.population"): thousands(populations[k] for k in allocation),
            t("planner.col.n"): thousands(allocation.values()),
            t("planner.col.share"): [f"{v / n_total:.1%}" for v in allocation.values()],
        }
    ),
    hide_index=True,
    key="planner.allocation_table",
)
planned = int(total) if basis == "county" else sizes.townships_total
st.caption(t("planner.alloc_totals", planned=count(planned, thousands=True), allocated=count(n_total, thousands=True)))
st.caption(t("planner.alloc_chart"))
bars = pd.DataFrame({"township": list(allocation), "n": list(allocation.values())})
st.altair_chart(
    alt.Chart(bars).mark_bar(color="#2e7d32").encode(
        x=alt.X("n:Q", title=t("planner.col.n"), axis=alt.Axis(format=",d")),
        y=alt.Y("township:N", sort=list(allocation), title=None, axis=alt.Axis(labelOverlap=False, labelLimit=160)),
        tooltip=[alt.Tooltip("township:N", title=t("planner.col.township")),
                 alt.Tooltip("n:Q", format=",d", title=t("planner.col.n"))],
    ).properties(height=24 * len(bars) + 30),
    key="planner.allocation_chart",
)

# 5. Selection --------------------------------------------------------------------------------
st.header(t("planner.selection"))
c1, c2, c3, c4 = st.columns(4)
psus = c1.number_input(t("planner.psus"), 1, 1000, 3, 1, key="planner.psus")
sel_method = c2.selectbox(t("planner.sel_method"), ["pps", "systematic", "srs"], format_func=labels("planner.sel."), key="planner.sel_method")
take_rule = c3.radio(t("planner.take_rule"), ["allocation", "fixed"], format_func=labels("planner.take."), key="planner.take_rule")
seed = c4.number_input(t("planner.seed"), 0, 2**31 - 1, 1, 1, key="planner.seed")
if take_rule == "fixed":
    take: int | dict[str, int] = int(st.number_input(t("planner.take"), 1, 10_000, 20, 1, key="planner.take"))
else:
    take = {k: max(1, math.ceil(v / int(psus))) for k, v in allocation.items()}

if st.button(t("planner.draw"), type="primary", key="planner.draw"):
    st.session_state["planner.drawn"] = True
if st.session_state.get("planner.drawn"):
    try:
        plan = draw_plan(frame, int(psus), take=take, method=sel_method, seed=int(seed))
    except SamplingError as exc:
        stop_with(exc)
    info = plan.to_dict()
    st.success(t("planner.plan_ready", psus=info["psus"], people=info["people"], method=t(f"planner.sel.{sel_method}"), seed=plan.seed))
    extra = int(info["people"]) - n_total
    if take_rule == "fixed":
        st.caption(t("planner.plan_vs_alloc.fixed", people=count(info["people"], thousands=True), take=take,
                     allocated=count(n_total, thousands=True)))
    elif extra > 0:
        st.caption(t("planner.plan_vs_alloc.more", people=count(info["people"], thousands=True),
                     allocated=count(n_total, thousands=True), extra=count(extra, thousands=True), psus=int(psus)))
    else:
        st.caption(t("planner.plan_vs_alloc.same", allocated=count(n_total, thousands=True)))
    yes_no = {True: t("planner.yes"), False: t("planner.no")}
    shown_plan = plan.table.assign(certainty=plan.table["certainty"].astype(bool).map(yes_no)).rename(columns={c: t(f"planner.plancol.{c}") for c in plan.table.columns
                                            if f"planner.plancol.{c}" in i18n_table()})
    st.dataframe(shown_plan, hide_index=True, key="planner.plan_table", column_config={
        t("planner.plancol.weight"): st.column_config.NumberColumn(format="%.2f"),
        t("planner.plancol.inclusion_prob"): st.column_config.NumberColumn(format="%.4f"),
        t("planner.plancol.person_prob"): st.column_config.NumberColumn(format="%.6f"),
    })
    st.caption(t("planner.plan_columns"))
    summary = plan.summary()
    st.caption(t("planner.strata_summary"))
    st.dataframe(
        pd.DataFrame(
            {
                t("planner.col.township"): summary["stratum"],
                t("planner.col.sites"): summary["psus"],
                t("planner.col.people"): thousands(summary["people"]),
                t("planner.col.population"): thousands(summary["population"]),
                t("planner.col.weight_sum"): thousands(summary["weight_sum"]),
            }
        ),
        hide_index=True,
    )
    d1, d2 = st.columns(2)
    d1.download_button(t("planner.download_csv"), plan.to_csv_bytes(), file_name="sampling_plan.csv", mime="text/csv", key="planner.download_csv")
    d2.download_button(
        t("planner.download_xlsx"), plan.to_xlsx_bytes(), file_name="sampling_plan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="planner.download_xlsx",
    )

# 6. Households -------------------------------------------------------------------------------
st.header(t("planner.hh"))
st.markdown(t("planner.hh.modes"))
if not st.session_state.get("planner.drawn"):
    st.caption(t("planner.hh.draw_first"))
    st.stop()
c1, c2, c3 = st.columns(3)
people = c1.number_input(t("planner.hh.people"), 1.0, 20.0, 3.0, 0.1, format="%.1f", key="planner.hh.people",
                         help=t("planner.hh.people_help"))
eligible_share = c2.number_input(t("planner.hh.eligible"), 0.05, 1.0, 0.9, 0.05, format="%.2f", key="planner.hh.eligible",
                                 help=t("planner.hh.eligible_help"))
hh_mode = c3.radio(t("planner.hh.mode"), ["list", "random_walk"], format_func=labels("planner.hh.mode."), key="planner.hh.mode")
try:
    stage = plan_households(plan, people_per_household=float(people), eligible_share=float(eligible_share), mode=hh_mode)
except SamplingError as exc:
    stop_with(exc)
st.success(t("planner.hh.result", villages=len(stage), households=count(stage["take"].sum(), thousands=True)))
st.dataframe(stage.assign(mode=[t(f"planner.hh.mode.{m}") for m in stage["mode"]])
             .rename(columns={c: t(f"planner.hhcol.{c}") for c in stage.columns}),
             hide_index=True, key="planner.hh.table", column_config={
                 t("planner.hhcol.village_prob"): st.column_config.NumberColumn(format="%.4f"),
                 t("planner.hhcol.household_prob"): st.column_config.NumberColumn(format="%.4f"),
                 t("planner.hhcol.household_weight"): st.column_config.NumberColumn(format="%.1f"),
             })
st.caption(t("planner.hh.command"))
if hh_mode == "random_walk":
    st.info(RANDOM_WALK_RULE[lang].replace("\n", "\n\n"), icon=":material/directions_walk:")
