"""Complaints and suggestions: the thank-you page's hotline and reply offer (``reply.*``) and the
office page that lists and handles them (``complaints.*``). Status words come from
``survey.collect.complaints.STATUS_WORDS``."""

from app.strings import keyed
from survey.collect.complaints import STATUS_WORDS

STRINGS = {
    # the respondent's thank-you page (app/web/templates/_reply.html)
    "reply.hotline": {
        "zh": "对中医药服务有意见或投诉，也可以直接拨打{owner}电话：",
        "en": "For a complaint about TCM services you can also call {owner}: ",
    },
    "reply.title": {"zh": "希望我们回复您吗？（选填）", "en": "Would you like a reply? (optional)"},
    "reply.why": {
        "zh": "您写下了意见、建议或投诉。如果希望工作人员打电话回复您，请先勾选同意，再留下电话号码。"
              "号码与问卷答案分开保存，只用于回复这条意见，不进入任何统计、报表或导出文件；不留也完全可以。",
        "en": "You wrote a comment, suggestion or complaint. If you would like staff to call you back, tick the consent "
              "first, then leave a phone number. It is kept apart from your answers, used only to reply to this "
              "comment, and never goes into any statistics, report or export. Leaving none is fine.",
    },
    "reply.consent": {
        "zh": "我同意卫生健康部门用我留下的电话号码联系我，只为答复我的意见或投诉。",
        "en": "I agree that the health authority may call me on this number, only to answer my comment or complaint.",
    },
    "reply.phone": {"zh": "电话号码（手机或带区号的座机）", "en": "Phone number (mobile, or landline with area code)"},
    "reply.send": {"zh": "留下电话，等待回复", "en": "Leave my number for a reply"},
    "reply.sent": {
        "zh": "已收到您的电话号码，工作人员处理您的意见后会与您联系。",
        "en": "Your number has been received; staff will call you once your comment has been looked into.",
    },
    "reply.need_consent": {"zh": "请先勾选同意，我们才能保存您的电话号码。", "en": "Please tick the consent first; only then can we keep your number."},
    "reply.bad_phone": {
        "zh": "这不像是电话号码：请填写11位手机号，或带区号的座机号（如 0772-3825100）。",
        "en": "That does not look like a phone number: enter an 11-digit mobile or a landline with its area code (e.g. 0772-3825100).",
    },
    "reply.nothing_written": {"zh": "这份问卷没有填写意见或投诉，无需留下电话。", "en": "This form has no comment or complaint to reply to."},
    "reply.not_stored": {"zh": "没有找到这份问卷，电话未保存。", "en": "This form was not found; the number was not kept."},
    # the office page (app/pages/complaints.py)
    "nav.complaints": {"zh": "意见与投诉", "en": "Complaints"},
    "complaints.title": {"zh": "意见、建议与投诉", "en": "Comments, suggestions and complaints"},
    "complaints.intro": {
        "zh": "受访者在问卷最后一题写下的意见、建议或投诉都列在这里（柳南区实施方案第4项：畅通建议和投诉渠道）。"
              "逐条处理后标为“已处理”，写明处理情况；每次改变状态都记入操作日志。受访者自愿留下的回复电话与答卷分开保存，"
              "只有管理员能看到，不进入任何统计、报表或导出文件。",
        "en": "Every comment, suggestion or complaint respondents wrote in the last question is listed here (柳南's "
              "plan item 4: a channel for suggestions and complaints). Mark each one handled with a note on what was "
              "done; every change of status goes into the audit log. A phone number a respondent chose to leave for a "
              "reply is kept apart from the answers, shown to administrators only, and never in any statistics, "
              "report or export.",
    },
    "complaints.read_only": {"zh": "评估人员只能查看；由管理员处理。", "en": "Evaluators can view only; administrators handle complaints."},
    "complaints.none": {"zh": "本活动还没有受访者写下意见或投诉。", "en": "No respondent of this campaign has written a comment or complaint yet."},
    "complaints.metric.all": {"zh": "意见与投诉", "en": "Comments"},
    "complaints.metric.open": {"zh": "待处理", "en": "Open"},
    "complaints.metric.phone": {"zh": "留了回复电话", "en": "With a reply number"},
    "complaints.show": {"zh": "显示", "en": "Show"},
    "complaints.show.open": {"zh": "待处理", "en": "Open"},
    "complaints.show.handled": {"zh": "已处理", "en": "Handled"},
    "complaints.show.all": {"zh": "全部", "en": "All"},
    "complaints.col.id": {"zh": "问卷编号", "en": "Response"},
    "complaints.col.date": {"zh": "提交日期", "en": "Date"},
    "complaints.col.site": {"zh": "调查点", "en": "Site"},
    "complaints.col.text": {"zh": "内容", "en": "Text"},
    "complaints.col.phone": {"zh": "回复电话", "en": "Reply number"},
    "complaints.col.status": {"zh": "状态", "en": "Status"},
    "complaints.col.handled_by": {"zh": "处理人", "en": "Handled by"},
    "complaints.col.handled_at": {"zh": "处理时间", "en": "Handled at"},
    "complaints.col.note": {"zh": "处理情况", "en": "Note"},
    "complaints.phone.yes": {"zh": "有（仅管理员可见）", "en": "yes (administrators only)"},
    "complaints.phone.none": {"zh": "未留", "en": "none"},
    "complaints.pick": {"zh": "选择一条处理", "en": "Pick one to handle"},
    "complaints.note": {"zh": "处理情况（如：已电话回复、已转医院整改）", "en": "Note (e.g. called back, passed to the hospital)"},
    "complaints.handle": {"zh": "标为已处理", "en": "Mark handled"},
    "complaints.reopen": {"zh": "重新标为待处理", "en": "Reopen"},
    "complaints.save_note": {"zh": "只保存处理情况", "en": "Save the note only"},
    "complaints.done.handled": {"zh": "已将问卷 {id} 的意见标为已处理。", "en": "Response {id}'s comment marked handled."},
    "complaints.done.open": {"zh": "已将问卷 {id} 的意见重新标为待处理。", "en": "Response {id}'s comment reopened."},
    "complaints.done.note": {"zh": "已保存问卷 {id} 的处理情况。", "en": "Note of response {id} saved."},
    "complaints.error": {"zh": "未能保存：{message}", "en": "Not saved: {message}"},
}
STRINGS.update(keyed("complaints.status", STATUS_WORDS))
