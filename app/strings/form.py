"""Messages shown next to a question whose answer breaks the questionnaire (by problem code)."""

STRINGS = {
    "form.problem.required": {"zh": "此题必答", "en": "This question needs an answer"},
    "form.problem.invalid_choice": {"zh": "请从选项中选择", "en": "Please choose one of the options"},
    "form.problem.invalid_type": {"zh": "答案格式不正确", "en": "This answer is not in the right form"},
    "form.problem.out_of_range": {"zh": "数值超出允许范围", "en": "The number is outside the allowed range"},
    "form.problem.too_long": {"zh": "文字太长，请精简", "en": "The text is too long"},
    "form.problem.selection_count": {"zh": "选择的项数不符合要求", "en": "Please check how many options you chose"},
    "form.problem.exclusive": {"zh": "该选项不能与其他选项同时选择", "en": "That option cannot be combined with others"},
    "form.problem.constraint": {"zh": "答案不符合要求", "en": "The answer does not meet the requirement"},
    "form.problem.hidden": {"zh": "此题不需要回答", "en": "This question should not be answered"},
    "form.problem.not_answerable": {"zh": "此处无需作答", "en": "No answer is needed here"},
    "form.problem.unknown_question": {"zh": "未知题目", "en": "Unknown question"},
}
