"""The respondent form behind each QR code (also used by surveyors)."""

from survey.tokens import REASONS

STRINGS = {
    "nav.respond": {"zh": "问卷", "en": "Questionnaire"},
    "respond.site": {"zh": "调查点：{site}", "en": "Site: {site}"},
    "respond.minutes": {"zh": "大约需要 {n} 分钟", "en": "About {n} minutes"},
    "respond.consent_needed": {"zh": "请先勾选上面的同意说明，再开始答题。", "en": "Please tick the consent box above before you start."},
    "respond.start": {"zh": "开始答题", "en": "Start"},
    "respond.progress": {"zh": "第 {i} 部分，共 {n} 部分", "en": "Part {i} of {n}"},
    "respond.back": {"zh": "上一步", "en": "Back"},
    "respond.next": {"zh": "下一步", "en": "Next"},
    "respond.submit": {"zh": "提交问卷", "en": "Submit"},
    "respond.fix_marked": {
        "zh": "有 {n} 道题需要补充或修改，请看题目下方的红色提示。",
        "en": "{n} question(s) need an answer or a change: see the red notes under them.",
    },
    "respond.fix_elsewhere": {
        "zh": "还有题目需要补充或修改，已为您跳到该部分。",
        "en": "Some questions still need an answer or a change; this is the part they are in.",
    },
    "respond.saving_failed": {
        "zh": "网络或服务器暂时有问题，答案还没有保存。您的答案仍在，请稍后再点“提交问卷”。",
        "en": "The answers could not be saved just now (network or server problem). They are kept here: please tap Submit again in a moment.",
    },
    "respond.thanks.title": {"zh": "提交成功，谢谢您！", "en": "Submitted. Thank you!"},
    "respond.thanks.body": {
        "zh": "您的答案已经保存。感谢您抽出时间参加本次调查，现在可以关闭此页面。",
        "en": "Your answers are saved. Thank you for taking part; you may now close this page.",
    },
    "respond.thanks.repeat": {
        "zh": "这份问卷之前已经提交过，不会重复记录。",
        "en": "This questionnaire was already submitted; it is recorded only once.",
    },
    "respond.thanks.reference": {"zh": "回执编号：{ref}", "en": "Receipt number: {ref}"},
    "respond.quiz.score": {"zh": "您的得分：{points} / {total}（答对 {share}）", "en": "Your score: {points} / {total} ({share} correct)"},
    "respond.quiz.title": {"zh": "每题的正确答案与说明", "en": "The correct answer to each question, with a short explanation"},
    "respond.quiz.right": {"zh": "✓ 回答正确", "en": "✓ Correct"},
    "respond.quiz.wrong": {"zh": "✗ 您的答案：{given}；正确答案：{answer}", "en": "✗ Your answer: {given}; correct answer: {answer}"},
    "respond.quiz.no_answer": {"zh": "（未作答）", "en": "(no answer)"},
    "respond.another": {"zh": "为另一位调查对象填写新问卷", "en": "Fill in a new questionnaire for someone else"},
    "respond.surveyor_flag": {
        "zh": "调查员代填模式：本问卷将标记为“调查员代填”。",
        "en": "Surveyor mode: this questionnaire is recorded as entered by a surveyor.",
    },
    "respond.unavailable": {"zh": "无法打开问卷", "en": "The questionnaire cannot be opened"},
    "respond.unavailable.help": {
        "zh": "如有疑问，请联系张贴海报的医疗卫生机构。本页面没有保存任何信息。",
        "en": "If in doubt, ask the health facility that put up the poster. Nothing has been stored.",
    },
    "respond.error.store": {
        "zh": "调查系统暂时无法连接，请稍后再扫码打开。",
        "en": "The survey system cannot be reached right now. Please scan the code again later.",
    },
}
# token and window refusals: the one text table of survey.tokens.REASONS
STRINGS.update({f"respond.token.{reason}": {"zh": zh, "en": en} for reason, (zh, en) in REASONS.items() if reason != "ok"})
