"""One table of expressions, answers and results, checked against both evaluators: Python's
``survey.questionnaire.expressions`` and the form script's (``app/web/static/form.js``, run with node)."""

from __future__ import annotations

# (expression, answers, current answer, expected value)
CASES: list[tuple[str, dict, object, object]] = [
    ("${used_tcm} = 'yes'", {"used_tcm": "yes"}, None, True),
    ("${used_tcm} = 'yes'", {"used_tcm": "no"}, None, False),
    ("${used_tcm} = 'yes'", {}, None, False),
    ("${used_tcm} != 'yes'", {}, None, False),  # a comparison with an empty value is false, != too
    ("${used_tcm} != 'yes'", {"used_tcm": "no"}, None, True),
    ("${used_tcm} <> 'yes'", {"used_tcm": "yes"}, None, False),
    ("${age} >= 15", {"age": 15}, None, True),
    ("${age} >= 15", {"age": "14"}, None, False),
    ("${age} > 9", {"age": "10"}, None, True),  # numbers compare as numbers, also from text
    ("'10' > '9'", {}, None, True),  # ordering compares numbers, also written as text
    ("'b' > 'a'", {}, None, True),  # two texts that are not numbers compare as text
    ("${score} = 3", {"score": "3.0"}, None, True),
    ("${overall} >= 4 and not(selected(${sites}, 'none'))", {"overall": 5, "sites": ["village"]}, None, True),
    ("${overall} >= 4 and not(selected(${sites}, 'none'))", {"overall": 5, "sites": ["none"]}, None, False),
    ("${overall} >= 4 or ${x} = 1", {"overall": 2, "x": 1}, None, True),
    ("not ${flag}", {"flag": "false"}, None, True),
    ("not ${flag}", {"flag": "0"}, None, True),
    ("not ${flag}", {"flag": "no"}, None, False),
    ("${flag} = true", {"flag": "yes"}, None, True),
    ("${flag} = false", {"flag": 0}, None, True),
    ("selected(${sites}, 'village')", {"sites": "village town"}, None, True),
    ("selected(${sites}, 'city')", {"sites": ["village", "town"]}, None, False),
    ("selected(${sites}, ${missing})", {"sites": ["village"]}, None, False),
    ("count-selected(${sites}) >= 2", {"sites": ["a", "b"]}, None, True),
    ("count_selected(${sites})", {}, None, 0),
    ("answered(${q})", {"q": ""}, None, False),
    ("answered(${q})", {"q": []}, None, False),
    ("answered(${q})", {"q": 0}, None, True),
    ("${age_group} in ('15_24', '25_34')", {"age_group": "25_34"}, None, True),
    ("${age_group} not in ('15_24', '25_34')", {"age_group": "65_plus"}, None, True),
    ("${age_group} not in ('15_24', '25_34')", {}, None, False),
    ("${n} in (1, 2, 3)", {"n": "2"}, None, True),
    ("${a} + ${b}", {"a": 2, "b": "3"}, None, 5),
    ("${a} + ${b}", {"a": 2}, None, None),  # arithmetic with an empty value is empty
    ("${a} - ${b} * 2", {"a": 10, "b": 3}, None, 4),
    ("${a} div ${b}", {"a": 7, "b": 2}, None, 3.5),
    ("${a} / 0", {"a": 7}, None, None),  # division by zero is empty
    ("${a} mod 3", {"a": 7}, None, 1),
    ("-${a} mod 3", {"a": 7}, None, -1),  # the sign of the dividend, as math.fmod
    ("-${a} < 0", {"a": 1}, None, True),
    ("if(${a} > 1, 'big', 'small')", {"a": 2}, None, "big"),
    ("min(${a}, ${b}, 4)", {"a": 9, "b": ""}, None, 4),
    ("max(${a}, ${b})", {}, None, None),
    ("string-length(${t}) <= 5", {"t": "你好世界"}, None, True),
    ("string_length(${t})", {}, None, 0),
    (". != 'under_15'", {}, "under_15", False),
    (". != 'under_15'", {}, "25_34", True),
    (". <= 50", {}, 51, False),
    (". <= 50", {}, "50", True),
    (". >= ${low}", {"low": 3}, 2, False),
    ("true() and not false()", {}, None, True),
    ("true", {}, None, True),
    ("(${a} = 1 or ${b} = 1) and ${c} = 1", {"a": 1, "c": 1}, None, True),
    ("${x} = 'yes' and ${y} = 'yes'", {"x": "yes"}, None, False),
    ("${q} = 'NaN'", {"q": "nan"}, None, False),
]
