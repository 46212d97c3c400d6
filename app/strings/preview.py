STRINGS = {
    "preview.choose": {"zh": "选择问卷", "en": "Choose a questionnaire"},
    "preview.caption": {
        "zh": "预览：以受访者在手机上看到的样子显示，跳题逻辑实时生效；此处的作答不会保存。",
        "en": "Preview: shown as a respondent sees it on a phone, with skip logic applied live; nothing here is stored.",
    },
    "preview.consent": {"zh": "知情同意", "en": "Consent"},
    "preview.section": {"zh": "第 {i} / {n} 部分：{title}", "en": "Part {i} of {n}: {title}"},
    "preview.check": {"zh": "检查答案并计分", "en": "Check answers and score"},
    "preview.valid": {"zh": "答案有效。各指标结果：", "en": "The answers are valid. Indicator values:"},
    "preview.invalid": {"zh": "以下题目需要修改：", "en": "Please correct these questions:"},
    "preview.not_applicable": {"zh": "不适用（不计入该指标）", "en": "not applicable (outside this indicator)"},
    "preview.met": {"zh": "达标", "en": "yes"},
    "preview.not_met": {"zh": "未达标", "en": "no"},
    "preview.version": {"zh": "版本 {version} · 内容指纹 {hash}", "en": "Version {version} · content hash {hash}"},
    "preview.quiz": {"zh": "逐题答案与解析", "en": "Answers and explanations"},
    "preview.correct": {"zh": "✔ 正确", "en": "✔ correct"},
    "preview.wrong": {"zh": "✘ 正确答案：{answer}", "en": "✘ correct answer: {answer}"},
}
