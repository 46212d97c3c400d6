"""Import responses collected elsewhere: upload, map columns and answer texts, check every row,
confirm, import in one transaction. All the work is done by ``survey.collect.imports``.

Column names and answer texts of the file are shown only as text (``st.text``, table cells,
``plain``), never as markdown: a file cannot make the admin's browser fetch or link anything."""

import hashlib

import pandas as pd
import streamlit as st

from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from app.safe import plain
from app.table_problems import describe
from app.widgets import campaign_picker
from survey.collect.imports import (
    SITE,
    ImportFileError,
    ImportPreview,
    Target,
    auto_choice_map,
    auto_map,
    import_rows,
    prepare_import,
    read_upload,
    targets_for,
)
from survey.errors import SurveyError
from survey.questionnaire import pick

account = require("admin")
lang = language()
store = services.store()
st.title(t("imp.title"))
staff_chrome()
st.caption(t("imp.intro"))

campaign = campaign_picker(store.campaigns(), key="imp.campaign", label="imp.campaign", empty="imp.no_campaigns",
                           mark_demo=False)
instruments = {i.questionnaire_id: i for i in campaign.instruments}
qid = st.selectbox(t("imp.instrument"), list(instruments), key="imp.instrument",
                   format_func=lambda q: pick(instruments[q].title, lang) or q)
questionnaire = store.questionnaire(instruments[qid].version_hash)

upload = st.file_uploader(t("imp.file"), type=["csv", "xlsx"], key="imp.file")
if upload is None:
    st.stop()
data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()
table = st.session_state.get("imp.table")  # read once per file: a 200,000-row file takes seconds to parse
if table is None or (table.sha256, table.filename) != (digest, upload.name):
    st.session_state.pop("imp.table", None)
    st.session_state.pop("imp.prepared", None)
    try:
        with st.spinner(t("imp.reading")):
            table = read_upload(data, upload.name)
    except ImportFileError as exc:
        st.error(t("imp.read_error", message=plain("; ".join(describe(p) for p in exc.problems))))
        st.stop()
    st.session_state["imp.table"] = table
del data
st.caption(t("imp.format", format=t(f"imp.format.{table.format}"), rows=len(table)))

# 1. columns ---------------------------------------------------------------------------------
st.subheader(t("imp.mapping"))
st.caption(t("imp.mapping.help"))
targets = [target.key for target in targets_for(questionnaire)]  # select boxes hold texts; Target.parse reads them
state_key = f"imp.mapping.{campaign.id}.{qid}.{table.sha256}"
proposed = auto_map(table.columns, questionnaire, table.format)


def target_text(target: Target | None) -> str:
    return t("imp.target.unknown") if target is None else target.label(questionnaire, lang, t)


def samples(index: int) -> str:
    values = []
    for row in table.rows:
        v = row[index]
        if v is not None and str(v).strip() and str(v) not in values:
            values.append(str(v))
        if len(values) == 3:
            break
    return " | ".join(values)


editor = pd.DataFrame({
    "column": list(table.columns),
    "sample": [samples(i) for i in range(len(table.columns))],
    "target": [proposed[c].key if proposed.get(c) else None for c in table.columns],
})
edited = st.data_editor(
    editor, key=state_key, hide_index=True, disabled=["column", "sample"], num_rows="fixed",
    column_config={
        "column": st.column_config.TextColumn(t("imp.col.column")),
        "sample": st.column_config.TextColumn(t("imp.col.sample")),
        "target": st.column_config.SelectboxColumn(t("imp.col.target"), options=targets, required=False),
    },
)
mapping = {c: (Target.parse(v) if isinstance(v, str) and v else None) for c, v in zip(edited["column"], edited["target"])}
with st.expander(t("imp.col.question")):
    st.dataframe(pd.DataFrame({t("imp.col.column"): list(mapping), t("imp.col.question"): [target_text(v) for v in mapping.values()]}),
                 hide_index=True, key="imp.mapping.labels")
default_site = None
if Target(SITE) not in mapping.values():
    sites = {s.code: s for s in campaign.sites}
    default_site = st.selectbox(t("imp.default_site"), list(sites), key="imp.default_site",
                                format_func=lambda c: f"{c} · {sites[c].stratum} {sites[c].name}")

# 2. answer texts ----------------------------------------------------------------------------
st.subheader(t("imp.choices"))
proposed_choices = auto_choice_map(table, mapping, questionnaire)  # the answer texts only: no row is checked here
choice_maps: dict[str, dict[str, str]] = {}
unmapped = [(column, text) for column, texts in proposed_choices.items() for text, value in texts.items() if value is None]
if unmapped:
    st.caption(t("imp.choices.unmapped"))
    for number, (column, text) in enumerate(unmapped[:60], start=1):
        question = questionnaire.question(mapping[column].question_id)
        options = ["", *question.choice_values]
        st.text(t("imp.choice.label", column=column, text=text))  # the file's words as text, never markdown
        picked = st.selectbox(
            t("imp.choice.pick", n=number), options, key=f"imp.choice.{column}.{text}", label_visibility="collapsed",
            format_func=lambda v, q=question: t("imp.choice.none") if v == "" else f"{v} · {q.choice_label(v, lang)}",
        )
        if picked:
            choice_maps.setdefault(column, {})[text] = picked
else:
    st.caption(t("imp.choices.all_mapped"))

# 3. check -----------------------------------------------------------------------------------
st.subheader(t("imp.preview"))
reentry = bool(st.session_state.get("imp.reentry"))


def checked() -> ImportPreview:
    """The file checked once per file, mapping, answer choices, site and re-entry choice: kept in the
    session, so a rerun (or the import itself) uses the same preview instead of checking again."""
    key = hashlib.sha256(repr((
        campaign.id, questionnaire.version_hash, table.sha256, table.filename, default_site, reentry,
        sorted((c, v.key if v is not None else None) for c, v in mapping.items()),
        sorted((c, sorted(texts.items())) for c, texts in choice_maps.items()),
    )).encode()).hexdigest()
    kept = st.session_state.get("imp.prepared")
    if kept is not None and kept[0] == key:
        return kept[1]
    bar = st.progress(0.0, text=t("imp.checking", rows=len(table)))
    result = prepare_import(table, questionnaire, campaign, mapping=mapping, choice_maps=choice_maps, default_site=default_site,
                            store=store, reentry=reentry,
                            progress=lambda done, stage: bar.progress(min(max(done, 0.0), 1.0), text=t(f"imp.stage.{stage}")))
    bar.empty()
    st.session_state["imp.prepared"] = (key, result)
    return result


preview = checked()
if reentry or any(p.code == "all_stored_alike" for p in preview.problems):
    st.checkbox(t("imp.reentry"), key="imp.reentry")
m = st.columns(5)
m[0].metric(t("imp.metric.rows"), preview.rows_total)
m[1].metric(t("imp.metric.accepted"), len(preview.accepted))
m[2].metric(t("imp.metric.rejected"), len(preview.rejected_rows))
m[3].metric(t("imp.metric.already"), preview.already_imported)
m[4].metric(t("imp.metric.other"), preview.skipped_other_instrument)


def reason(problem) -> str:  # noqa: ANN001
    key = f"imp.reason.{problem.code}"
    params = {"value": "", "other": "", "detail": problem.message, **dict(problem.params)}
    text = t(key, **params)
    question = params.get("question")
    return f"{question}: {text}" if question and problem.code not in ("unmapped_text",) else text


if preview.blocking:
    st.error(t("imp.blocking"))
if preview.problems:
    st.caption(t("imp.problems"))
    st.dataframe(pd.DataFrame({
        t("imp.col.row"): [p.row if p.row is not None else "" for p in preview.problems],
        t("imp.col.column"): [p.column or "" for p in preview.problems],
        t("imp.col.severity"): [t(f"imp.severity.{p.severity}") for p in preview.problems],
        t("imp.col.reason"): [reason(p) for p in preview.problems],
    }), hide_index=True, key="imp.problems")
else:
    st.success(t("imp.no_problems"))

if not preview.can_import:
    if not preview.blocking:
        st.info(t("imp.nothing_new"))
    st.stop()
confirmed = st.checkbox(t("imp.confirm", n=preview.new_rows), key="imp.confirm")
if st.button(t("imp.go"), key="imp.go", type="primary", disabled=not confirmed, icon=":material/upload:"):
    bar = st.progress(0.0, text=t("imp.importing", n=preview.new_rows))
    try:
        result = import_rows(store, campaign.id, questionnaire, preview, actor=account.username,
                             progress=lambda done, stage: bar.progress(min(max(done, 0.0), 1.0), text=t(f"imp.stage.{stage}")))
    except (SurveyError, ValueError) as exc:
        bar.empty()
        st.error(t("imp.failed", message=plain(exc)))
    else:
        bar.empty()
        st.success(t("imp.done", imported=result.imported, repeats=result.repeats))
        st.session_state.pop("imp.confirm", None)
    st.session_state.pop("imp.prepared", None)  # the store changed: the next look checks the file again
