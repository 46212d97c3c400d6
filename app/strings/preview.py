STRINGS = {
    "preview.choose": {"zh": "选择问卷", "en": "Choose a questionnaire"},
    "preview.broken": {
        "zh": "以下问卷文件有错误，未列出（请运行 python -m survey check）：{files}",
        "en": "These questionnaire files have problems and are not listed (run python -m survey check): {files}",
    },
    "preview.caption": {
        "zh": "预览：以受访者在手机上看到的样子显示，跳题逻辑实时生效；此处的作答不会保存。",
        "en": "Preview: shown as a respondent sees it on a phone, with skip logic applied live; nothing here is stored.",
    },
    "preview.version": {"zh": "版本 {version} · 内容指纹 {hash}", "en": "Version {version} · content hash {hash}"},
    "preview.keys_shown": {
        "zh": "您以管理员身份登录，预览中显示各题的正确答案。",
        "en": "You are signed in as an admin: the preview shows each item's answer key.",
    },
}
