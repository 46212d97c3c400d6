STRINGS = {
    "home.intro": {
        "zh": "本工具帮助县（市、区）卫生健康部门规划抽样、通过二维码收集居民和医务人员的问卷、"
        "并按抽样设计计算四项调查指标及其置信区间，判断是否达到创建标准。",
        "en": "This toolkit helps county health bureaus plan the sample, collect resident and staff "
        "questionnaires through QR codes, and compute the four survey indicators with confidence "
        "intervals that respect the sample design, against the thresholds of the standard.",
    },
    "home.questionnaires": {"zh": "问卷", "en": "Questionnaires"},
    "home.profiles": {"zh": "辖区配置与达标线", "en": "Jurisdiction profiles and thresholds"},
    "home.profiles.help": {
        "zh": "达标线来自各地创建方案；在 questionnaires/profiles/ 中新增一个文件即可加入本地配置，无需修改代码。",
        "en": "Thresholds come from each jurisdiction's plan; add a file to questionnaires/profiles/ "
        "to add your own, no code change needed.",
    },
    "home.col.title": {"zh": "问卷", "en": "Questionnaire"},
    "home.col.audience": {"zh": "调查对象", "en": "Respondents"},
    "home.col.minutes": {"zh": "预计用时", "en": "Time"},
    "home.col.questions": {"zh": "题目数", "en": "Questions"},
    "home.col.indicators": {"zh": "指标", "en": "Indicators"},
    "home.col.version": {"zh": "版本（内容指纹）", "en": "Version (content hash)"},
    "home.col.profile": {"zh": "辖区", "en": "Jurisdiction"},
    "home.col.source": {"zh": "依据", "en": "Source"},
    "home.col.level": {"zh": "置信水平", "en": "Confidence level"},
    "home.preview_hint": {
        "zh": "在左侧“问卷预览”中可以像受访者一样查看和试填每份问卷。",
        "en": "Open “Questionnaire preview” on the left to see and try each questionnaire as a respondent would.",
    },
    "home.load_error": {"zh": "问卷文件有错误，请运行 python -m survey check：", "en": "A questionnaire file has problems; run python -m survey check:"},
}
