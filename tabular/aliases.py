"""Header aliases: the words a column header may be, for every table people hand in.

One table, as pyxform's ``aliases.py``: a field name -> the headers that name it, for each kind of
file. The readers keep their own matching (exact and case-blind for site files, blind to spaces
for population tables, blind to numbering and punctuation for response imports); only the words
live here. UI-free and a leaf like the rest of ``tabular``: ``sampling``, ``survey`` and
``analysis`` may all import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["FRAME_HINTS", "POPULATION_TABLE", "RESPONSE_IMPORT", "SITE_FILE", "STRATUM", "VISIT_LOG", "guess_column"]

# The township (stratum) column, in every file that has one.
STRATUM = ("stratum", "township", "乡镇", "乡镇街道", "乡镇（街道）", "层", "街镇")
# How many people live in a site's area (site files) or in a cell (population tables).
PEOPLE = ("population", "人口", "常住人口")

# A frame or sampling-plan file of sites (survey.campaign.sites). Order matters: the first alias
# the file has wins. A plan from ``python -m sampling select`` has the frame's columns plus
# inclusion_prob, person_prob, take and weight (``take`` becomes the quota when no quota column is given).
SITE_FILE: Mapping[str, tuple[str, ...]] = {
    "code": ("code", "site_code", "编号", "代码", "机构编号"),
    "name": ("name", "site", "site_name", "机构名称", "名称", "调查点"),
    "stratum": STRATUM,
    "psu": ("psu", "village", "初级抽样单位", "村社区"),
    "kind": ("kind", "type", "机构类型", "类型"),
    "quota": ("quota", "配额", "样本量"),
    "take": ("take",),
    "population": PEOPLE,
    "stratum_population": ("stratum_population", "stratum_size", "乡镇人口", "乡镇（街道）人口"),
    "stratum_psus": ("stratum_psus",),
    "household_prob": ("household_prob", "户抽样概率"),
    "inclusion_prob": ("inclusion_prob",),
    "design_weight": ("design_weight", "weight", "权重"),
}

# A population table for calibration (analysis.campaign.population): cells and one count column.
POPULATION_TABLE: Mapping[str, tuple[str, ...]] = {
    "stratum": STRATUM,
    "count": ("count", *PEOPLE, "n", "人口数", "人数", "数量"),
}

# The columns of a response import (survey.collect.imports) that are no question: site (code or
# name), submission time, respondent id, questionnaire, paradata (wjx 所用时间, Kobo start).
# Lower case: the importer compares lower-cased headers.
RESPONSE_IMPORT: Mapping[str, tuple[str, ...]] = {
    "site": ("site", "site_code", "sitecode", "调查点", "调查点编号", "机构编号", "站点", "站点编号",
             "编号（调查点）"),
    "submitted_at": ("submitted_at", "提交答卷时间", "提交时间", "填写时间", "填表日期", "调查日期", "日期",
                     "_submission_time", "end", "date"),
    "respondent_id": ("respondent_id", "nonce", "response_id", "序号", "问卷编号", "_uuid", "meta/instanceid", "instanceid",
                      "_id"),
    "instrument": ("instrument", "questionnaire", "问卷"),
    "opened_at": ("opened_at", "开始时间", "开始答题时间", "start"),
    "duration_s": ("duration_s", "所用时间", "答题时长", "duration"),
}

# A paper visit log of door-to-door fieldwork (survey.collect.visit_log): one row per visit.
VISIT_LOG: Mapping[str, tuple[str, ...]] = {
    "site_code": ("site_code", "site", "调查点编码", "调查点编号", "调查点", "村编码"),
    "household": ("household", "household_code", "户编号", "户号", "家庭编号"),
    "visited_at": ("visited_at", "访问时间", "入户时间", "访问日期"),
    "disposition": ("disposition", "访问结果", "结果", "结果代码"),
    "surveyor": ("surveyor", "调查员", "访问员"),
}

# A sampling frame's columns, guessed by a part of the header (the planner's first choice).
FRAME_HINTS: Mapping[str, tuple[str, ...]] = {
    "stratum": ("街", "镇", "乡", "stratum", "town"),
    "psu": ("编码", "代码", "psu", "id", "code"),
    "size": ("人口", "人数", "size", "pop"),
}


def guess_column(columns: Sequence[str], hints: Sequence[str], fallback: int) -> int:
    """Index of the first column whose header contains a hint (case-blind), else ``fallback``
    (at most the last column)."""
    for index, column in enumerate(columns):
        if any(hint.lower() in column.lower() for hint in hints):
            return index
    return min(fallback, len(columns) - 1)
