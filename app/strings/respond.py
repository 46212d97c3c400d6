"""The respondent form behind each QR code (also used by surveyors)."""

from survey.campaign.tokens import REASONS

STRINGS = {
    "nav.respond": {"zh": "问卷", "en": "Questionnaire"},
    "respond.site": {"zh": "调查点：{site}", "en": "Site: {site}"},
    "respond.minutes": {"zh": "大约需要 {n} 分钟", "en": "About {n} minutes"},
    # when a quiz's answer key is shown, per the campaign's answer_key setting (ANSWER_KEY_RULES)
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
# token and window refusals: the one text table of survey.campaign.tokens.REASONS
STRINGS.update({f"respond.token.{reason}": {"zh": zh, "en": en} for reason, (zh, en) in REASONS.items() if reason != "ok"})

# the light HTML form (app/web): first screen, drafts, offline submit, exits, surveyor and preview
STRINGS.update({
    "respond.lang_switch": {"zh": "English", "en": "中文"},
    "respond.organiser": {"zh": "组织单位：{organiser}", "en": "Organised by: {organiser}"},
    "respond.organiser.unknown": {"zh": "当地卫生健康行政部门", "en": "the local health authority"},
    "respond.contact": {"zh": "咨询电话：{phone}", "en": "Questions? Call {phone}"},
    "respond.no_identity": {
        "zh": "本问卷不问姓名、电话、身份证号等个人信息，答案只做汇总统计。",
        "en": "We do not ask your name, phone number or ID number; answers are only used in totals.",
    },
    "respond.kept": {
        "zh": "答卷保存到本次调查结束后 {months} 个月，只用于本次评估的统计分析。",
        "en": "Answers are kept for {months} months after the survey ends, only for this assessment's statistics.",
    },
    "respond.consent.default": {"zh": "我已了解以上说明，自愿参加本次调查。", "en": "I have read the above and agree to take part."},
    "respond.draft.found": {
        "zh": "这部手机上有一份还没提交的问卷（{minutes} 分钟前填写）。",
        "en": "This phone holds a questionnaire that was not submitted ({minutes} minutes ago).",
    },
    "respond.draft.resume": {"zh": "继续填写", "en": "Continue"},
    "respond.draft.not_me": {"zh": "不是我 / 重新开始", "en": "Not me / start over"},
    "respond.offline": {
        "zh": "网络不稳定，答案已保存在手机上，恢复网络后会自动提交",
        "en": "The network is unstable. Your answers are kept on this phone and will be sent when the connection returns",
    },
    "respond.offline.next": {
        "zh": "网络不稳定，恢复网络后会自动继续。答案已保存在手机上。",
        "en": "The network is unstable; the form continues when the connection returns. Your answers are kept on this phone.",
    },
    "respond.sending": {"zh": "正在提交……", "en": "Sending…"},
    "respond.exit.title": {"zh": "谢谢您的关心", "en": "Thank you for your interest"},
    "respond.exit.body": {
        "zh": "您不在本次调查的范围内，不用继续作答。本页面没有保存任何答案，可以关闭。",
        "en": "You are not among the people this survey is for, so there is nothing more to answer. Nothing has been stored; you may close this page.",
    },
    "respond.exit.change": {"zh": "选错了？返回修改", "en": "Chose by mistake? Go back"},
    "respond.too_large": {
        "zh": "提交的内容太多或格式不对（例如某个回答过长），没有保存。请返回检查后再提交，或重新打开问卷。",
        "en": "What was sent is too large or malformed (an answer too long, say); nothing was stored. Go back and check it, or open the questionnaire again.",
    },
    "respond.expired": {
        "zh": "页面已过期或不完整，请重新打开问卷。答案没有保存。",
        "en": "This page has expired or is incomplete. Please open the questionnaire again; nothing was stored.",
    },
    "respond.restart": {"zh": "重新打开问卷", "en": "Open the questionnaire again"},
    "respond.quiz.key_later": {
        "zh": "各题的正确答案和说明将在本次测试结束后公布。",
        "en": "The correct answers and explanations are published after this quiz closes.",
    },
    "respond.question_of": {"zh": "第 {i} 题", "en": "Question {i}"},
    "respond.optional": {"zh": "（选答）", "en": "(optional)"},
    "respond.choose_several": {"zh": "可多选", "en": "Choose all that apply"},
    "respond.surveyor.by": {"zh": "调查员：{name}", "en": "Surveyor: {name}"},
    "respond.surveyor.mode": {"zh": "填写方式", "en": "How is this form filled in?"},
    "respond.mode.self": {"zh": "调查对象自己在这部手机上填写", "en": "The respondent fills it in on this device"},
    "respond.mode.read_aloud": {"zh": "调查员读题，按对方回答代填", "en": "The surveyor reads out the questions and enters the answers"},
    "respond.mode.paper": {"zh": "录入一份纸质问卷", "en": "Entering a paper questionnaire"},
    "respond.surveyor.login": {
        "zh": "代填模式需要登录。请在管理后台的“调查员代填”页面重新打开问卷。",
        "en": "Surveyor mode needs a login. Please open the form again from the surveyor page of the admin area.",
    },
    "respond.preview.title": {"zh": "问卷预览（不保存任何答案）", "en": "Preview (nothing is stored)"},
    "respond.preview.shown_if": {"zh": "显示条件：{rule}", "en": "Shown when: {rule}"},
    "respond.preview.key": {"zh": "正确答案：{answer}", "en": "Correct answer: {answer}"},
    "respond.preview.keys_note": {
        "zh": "管理员视图：显示每题的正确答案。",
        "en": "Admin view: the answer key of each item is shown.",
    },
    "respond.section_title": {"zh": "{title}", "en": "{title}"},
    "respond.quiz.points": {"zh": "得分 {points} 分（满分 {total} 分，共 {n} 题）", "en": "Score: {points} of {total} points ({n} questions)"},
    "respond.quiz.passed": {"zh": "，达到知晓标准（≥ {mark}）", "en": "; the pass mark ({mark} or more) is reached"},
    "respond.quiz.not_passed": {"zh": "，未达到知晓标准（≥ {mark}）", "en": "; the pass mark ({mark} or more) is not reached"},
    "respond.quiz.passed.plain": {"zh": "，达到知晓标准", "en": "; the pass mark is reached"},
    "respond.quiz.not_passed.plain": {"zh": "，未达到知晓标准", "en": "; the pass mark is not reached"},
    "respond.quiz.key_never": {
        "zh": "本次测试不公布各题的正确答案。",
        "en": "The correct answers of this quiz are not published.",
    },
    "respond.quiz.key_now": {
        "zh": "提交后即可看到每题的正确答案和说明。",
        "en": "The correct answer to each question is shown once you submit.",
    },
    "respond.followups": {
        "zh": "根据您的回答，本部分多了 {n} 道题，请继续作答。",
        "en": "Your answers opened {n} more question(s) in this part; please answer them too.",
    },
    "respond.mode.short.self": {"zh": "自填", "en": "self-completed"},
    "respond.mode.short.read_aloud": {"zh": "读题代填", "en": "read aloud"},
    "respond.mode.short.paper": {"zh": "纸质录入", "en": "paper entry"},
    "respond.surveyor.by_mode": {"zh": "调查员：{name} · 方式：{mode}", "en": "Surveyor: {name} · mode: {mode}"},
    "respond.paper.number": {"zh": "纸质问卷编号", "en": "Number of the paper form"},
    "respond.paper.date": {"zh": "访问日期", "en": "Interview date"},
    "respond.paper.hint": {
        "zh": "录入纸质问卷时必填：问卷右上角的编号和访问当天的日期。",
        "en": "Needed for a paper form: the number in its top corner and the day of the interview.",
    },
    "respond.paper.needed": {
        "zh": "请填写纸质问卷编号和访问日期（不晚于今天）。",
        "en": "Please give the paper form's number and the interview date (today or earlier).",
    },
    "respond.paper.duplicate": {
        "zh": "纸质问卷编号 {number} 已经录入过，同一份纸质问卷不能重复录入。请核对问卷上的编号；若确是另一份问卷，请改正编号后继续。",
        "en": "Paper form {number} is already entered; one paper form is entered once. Check the number on the form; "
              "if this is another form, correct the number and go on.",
    },
    "respond.done.title": {"zh": "已提交，感谢参与", "en": "Already submitted. Thank you for taking part"},
})
