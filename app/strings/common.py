STRINGS = {
    "app.title": {"zh": "基层中医药调查工具", "en": "TCM survey toolkit"},
    "error.internal": {
        "zh": "出现了意外错误，本次操作未完成。请把错误编号 {incident} 告知系统管理员（日志中有详细记录）。",
        "en": "Something unexpected went wrong and this action did not finish. Please give the system administrator "
              "the error number {incident} (the log has the details).",
    },
    "app.subtitle": {
        "zh": "全国基层中医药工作示范县（市）居民与医务人员调查",
        "en": "Resident and staff surveys for national grassroots TCM demonstration counties",
    },
    "nav.home": {"zh": "首页", "en": "Home"},
    "nav.preview": {"zh": "问卷预览", "en": "Questionnaire preview"},
    "nav.section.overview": {"zh": "概览", "en": "Overview"},
    "nav.section.plan": {"zh": "抽样设计", "en": "Sampling"},
    "common.minutes": {"zh": "约 {n} 分钟", "en": "about {n} min"},
    "common.audience.residents": {"zh": "城乡居民", "en": "Residents"},
    "common.audience.staff": {"zh": "基层中医药人员", "en": "Grassroots TCM staff"},
    "common.demo_label": {"zh": "【演示】", "en": "[demo] "},
    "common.required_mark": {"zh": "（必答）", "en": " (required)"},
}
