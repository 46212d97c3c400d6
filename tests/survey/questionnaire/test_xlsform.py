"""XLSForm import: the supported subset converts; everything else is reported by sheet, row, column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from survey.questionnaire.loader import load_questionnaire, parse_questionnaire
from survey.questionnaire.scoring import score
from survey.questionnaire.xlsform import XLSFormError, import_xlsform, language_code

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "tests" / "fixtures" / "xlsform"


def write_form(path: Path, survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        sheet = workbook.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings is not None:
        sheet = workbook.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    workbook.save(path)
    return path


SURVEY = [
    ["type", "name", "label::中文", "label::English (en)", "relevant", "constraint", "constraint_message::中文",
     "constraint_message::English (en)", "required", "hint::中文", "hint::English (en)"],
    ["integer", "Age", "年龄", "Age", None, ". >= 15 and . <= 110", "年龄应在15到110之间", "15 to 110", "yes", "周岁", "years"],
    ["select_one yn", "used-tcm", "用过中医吗", "Used TCM?", None, None, None, None, "yes", None, None],
    ["begin group", "sat", "满意度", "Satisfaction", "${used-tcm} = 'yes'", None, None, None, None, None, None],
    ["select_multiple kinds", "kinds", "哪些服务", "Which services", None, "count-selected(.) <= 2", "最多两项", "At most two", "true", None, None],
    ["decimal", "wait", "等候分钟", "Minutes waited", "selected(${kinds}, 'acu')", ". >= 0", "不能为负", "Not negative", "no", None, None],
    ["end group", None, None, None, None, None, None, None, None, None, None],
    ["note", "bye", "谢谢", "Thanks", None, None, None, None, None, None, None],
    ["text", "remarks", "意见", "Remarks", None, None, None, None, None, None, None],
]
CHOICES = [
    ["list_name", "name", "label::中文", "label::English (en)"],
    ["yn", "yes", "是", "Yes"],
    ["yn", "no", "否", "No"],
    ["kinds", "acu", "针灸", "Acupuncture"],
    ["kinds", "cup", "拔罐", "Cupping"],
    ["kinds", "tuina", "推拿", "Tuina"],
]
SETTINGS = [["form_title", "form_id", "version", "default_language"], ["居民调查", "Resident-Form", "2026.1", "中文"]]


def test_supported_subset_converts_and_validates(tmp_path):
    path = write_form(tmp_path / "form.xlsx", SURVEY, CHOICES, SETTINGS)
    result = import_xlsform(path)
    renames = [str(i) for i in result.issues]
    assert renames == [
        "survey: row 2, column 'name': 'Age' renamed to 'age' (ids are [a-z][a-z0-9_]*)",
        "survey: row 3, column 'name': 'used-tcm' renamed to 'used_tcm' (ids are [a-z][a-z0-9_]*)",
    ]
    data = result.questionnaire
    assert data["id"] == "resident_form" and data["version"] == "2026.1" and data["languages"] == ["zh", "en"]
    questionnaire, problems = parse_questionnaire(data, source="imported.yaml")
    assert problems == []
    assert [s.id for s in questionnaire.sections] == ["part_1", "sat", "part_3"]
    age = questionnaire.question("age")
    assert age.integer and age.required and age.hint == {"zh": "周岁", "en": "years"}
    assert questionnaire.sections[1].relevant.text == "${used_tcm} = 'yes'"
    assert questionnaire.question("wait").relevant.text == "selected(${kinds}, 'acu')"
    assert not questionnaire.question("remarks").required  # XLSForm's default is not required
    # the converted rules behave as the form's
    score(questionnaire, {"age": 30, "used_tcm": "yes", "kinds": ["acu"], "wait": 12.5})
    with pytest.raises(Exception, match="kinds"):
        score(questionnaire, {"age": 30, "used_tcm": "yes", "kinds": ["acu", "cup", "tuina"]})
    with pytest.raises(Exception, match="age"):
        score(questionnaire, {"age": 12, "used_tcm": "no"})


def test_unsupported_parts_reported_by_row_and_column(tmp_path):
    survey = [
        ["type", "name", "label", "relevant", "appearance", "calculation"],
        ["start", "start", None, None, None, None],
        ["text", "name1", "Name", None, "multiline", None],
        ["calculate", "c", None, None, None, "1+1"],
        ["begin repeat", "kids", "Children", None, None, None],
        ["integer", "kid_age", "Age", None, None, None],
        ["end repeat", None, None, None, None, None],
        ["date", "when", "Date", None, None, None],
        ["text", "email", "Email", "regex(${name1}, '.+@.+')", None, None],
        ["select_one missing_list", "m", "Pick", None, None, None],
    ]
    result = import_xlsform(write_form(tmp_path / "f.xlsx", survey))
    issues = [str(i) for i in result.issues]
    assert issues == [
        "survey: row 2, column 'type': metadata field 'start' (start) not supported; skipped",
        "survey: row 3, column 'appearance': column not supported; value 'multiline' not imported",
        "survey: row 4, column 'calculation': column not supported; value '1+1' not imported",
        "survey: row 4, column 'type': type 'calculate' not supported; question 'c' skipped",
        "survey: row 5, column 'type': repeat 'kids' not supported; it and its rows are skipped",
        "survey: row 6, column 'type': 'integer' 'kid_age' inside a repeat: repeats are not supported; skipped",
        "survey: row 8, column 'type': type 'date' not supported; question 'when' skipped",
        "survey: row 9, column 'relevant': not converted: unknown function regex() (\"regex(${name1}, '.+@.+')\")",
        "survey: row 10, column 'type': choice list 'missing_list' not found on the choices sheet; question skipped",
    ]
    ids = [q["id"] for s in result.questionnaire["sections"] for q in s["questions"]]
    assert ids == ["name1", "email"]


def test_reference_to_skipped_question_is_reported(tmp_path):
    survey = [
        ["type", "name", "label", "relevant"],
        ["date", "d", "Date", None],
        ["text", "t", "Text", "${d} != ''"],
    ]
    issues = [str(i) for i in import_xlsform(write_form(tmp_path / "f.xlsx", survey)).issues]
    assert issues[-1].startswith("survey: row 3, column 'relevant': not converted: refers to 'd'")


def test_duplicate_columns_refused_with_sheet_and_columns():
    with pytest.raises(XLSFormError, match=r"sheet 'survey': duplicate column 'label' \(columns D and E\)"):
        import_xlsform(EXAMPLES / "duplicate_columns.xlsx")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(XLSFormError, match="not a readable .xlsx"):
        import_xlsform(path)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in EXAMPLES.glob("*.xlsx") if p.name != "duplicate_columns.xlsx")
)
def test_real_forms_import_without_crashing(name, tmp_path):
    result = import_xlsform(EXAMPLES / name)
    for issue in result.issues:
        assert issue.file and issue.message  # the sheet
    workbook = openpyxl.load_workbook(EXAMPLES / name, read_only=True)
    survey = workbook[next(s for s in workbook.sheetnames if s.lower() == "survey")]
    typed_rows = [
        i + 2 for i, row in enumerate(survey.iter_rows(min_row=2, values_only=True))
        if row and row[0] and not str(row[0]).lower().startswith(("end ", "end_"))
    ]
    converted = sum(len(s["questions"]) for s in result.questionnaire["sections"])
    reported_rows = {i.row for i in result.issues if i.column == "type"}
    groups = sum(1 for s in result.questionnaire["sections"] if not s["id"].startswith("part_"))
    # every row with a type either became a question or a section, or was reported
    assert converted + groups + len(reported_rows) >= len(typed_rows) - sum(
        1 for i in result.issues if "flattened" in i.message
    )


def test_spec_form_reports_repeats_and_media():
    issues = [str(i) for i in import_xlsform(EXAMPLES / "xlsform_spec_test.xlsx").issues]
    assert "survey: row 15, column 'type': repeat 'repeat_test' not supported; it and its rows are skipped" in issues
    assert any(i.startswith("survey: row 9, column 'image'") for i in issues)
    assert any("regex()" in i and i.startswith("survey: row 7, column 'relevant'") for i in issues)


@pytest.mark.parametrize(
    ("name", "code"),
    [("Chinese", "zh"), ("中文", "zh"), ("English (en)", "en"), ("english", "en"), ("Français (fr)", "fr")],
)
def test_language_codes(name, code):
    assert language_code(name) == code


def test_cli_writes_yaml_that_loads(tmp_path):
    form = write_form(tmp_path / "form.xlsx", SURVEY, CHOICES, SETTINGS)
    out = tmp_path / "out.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "survey", "import-xlsform", str(form), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr  # two ids were renamed: warnings, printed, not failures
    assert f"{form}: warning: survey: row 2, column 'name': 'Age' renamed to 'age'" in result.stderr
    assert load_questionnaire(out).question("kinds").choice_values == ("acu", "cup", "tuina")
    check = subprocess.run([sys.executable, "-m", "survey", "check", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    strict = subprocess.run(
        [sys.executable, "-m", "survey", "import-xlsform", str(form), "-o", str(tmp_path / "strict.yaml"), "--strict"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert strict.returncode == 1 and "renamed to 'age'" in strict.stderr


def test_cli_unreadable_form_exit_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "survey", "import-xlsform", str(EXAMPLES / "duplicate_columns.xlsx"), "-o", str(tmp_path / "o.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and result.stderr.startswith("error: sheet 'survey': duplicate column")
