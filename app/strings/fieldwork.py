"""Door-to-door fieldwork: the admins' household assignment page (hh.*) and the dashboard's
fieldwork tab (dash.field.*)."""

STRINGS = {
    "nav.households": {"zh": "入户任务分派", "en": "Household assignments"},
    # the assignment page
    "hh.title": {"zh": "入户任务分派", "en": "Household assignments"},
    "hh.intro": {
        "zh": "把抽中的住户分派给调查员账户：选择调查活动和村（社区），输入户编号或上传抽样结果文件，选择调查员。"
              "调查员在手机上只看到分派给自己的住户。",
        "en": "Assign the sampled households to surveyor accounts: choose the campaign and the village (community), "
              "type household codes or upload the sampling output, choose a surveyor. A surveyor's phone shows only "
              "the households assigned to them.",
    },
    "hh.site": {"zh": "村（社区）", "en": "Village (community)"},
    "hh.no_sites": {"zh": "此调查活动还没有调查点，请先在“调查点与配额”中添加村（社区）。",
                    "en": "This campaign has no sites yet: add the villages (communities) under Sites and quotas first."},
    "hh.no_surveyors": {"zh": "还没有调查员账户，请先在“账户管理”中新建角色为调查员的账户。",
                        "en": "There is no surveyor account yet: create accounts with the role surveyor under Accounts first."},
    "hh.assign": {"zh": "分派住户", "en": "Assign households"},
    "hh.how": {"zh": "住户来源", "en": "Households from"},
    "hh.how.codes": {"zh": "输入户编号", "en": "Typed codes"},
    "hh.how.file": {"zh": "上传抽样结果文件", "en": "Sampling output file"},
    "hh.codes": {"zh": "户编号", "en": "Household codes"},
    "hh.codes.help": {
        "zh": "范围写作 001-020（保留前面的 0），或逐个列出 003, 007, 012（逗号、顿号、空格或换行分隔），也可混用。",
        "en": "A range such as 001-020 (the leading zeros are kept), or a list 003, 007, 012 (commas, spaces or new "
              "lines between), or both.",
    },
    "hh.address": {"zh": "地址（可选，只输入一户时填写）", "en": "Address (optional, for a single household)"},
    "hh.file": {"zh": "抽样结果文件（CSV 或 XLSX）", "en": "Sampling output (CSV or XLSX)"},
    "hh.file.help": {
        "zh": "python -m sampling households 生成的文件：village（村）列和 household（户编号）列，可另有 address（地址）列。"
              "只分派所选村的住户。",
        "en": "The file python -m sampling households writes: a village column and a household column, optionally "
              "an address column. Only the chosen village's households are assigned.",
    },
    "hh.file.needed": {"zh": "请先上传文件。", "en": "Upload the file first."},
    "hh.file.none_here": {"zh": "文件中没有“{site}”的住户（文件中的村：{sites}）。",
                          "en": "The file has no household of {site} (villages in the file: {sites})."},
    "hh.file.others": {"zh": "文件中另有 {n} 户属于其他村，未分派；请选择相应的村再分派。",
                       "en": "{n} households of other villages in the file were left out: choose their village to assign them."},
    "hh.file.problems": {"zh": "文件有问题，未分派任何住户：", "en": "The file has problems; nothing was assigned:"},
    "hh.surveyor": {"zh": "调查员", "en": "Surveyor"},
    "hh.surveyor.none": {"zh": "还没有调查员账户", "en": "No surveyor account yet"},
    "hh.reassign.placeholder": {"zh": "选择住户（可多选）", "en": "Choose households"},
    "hh.reassign.empty": {"zh": "这个村（社区）还没有分派的住户", "en": "No household assigned in this village yet"},
    "hh.unassign": {"zh": "（取消分派）", "en": "(unassign)"},
    "hh.assign_button": {"zh": "分派", "en": "Assign"},
    "hh.assigned": {"zh": "已将 {n} 户分派给 {surveyor}。", "en": "{n} households assigned to {surveyor}."},
    "hh.unassigned": {"zh": "已取消 {n} 户的分派。", "en": "{n} households are no longer assigned."},
    "hh.error": {"zh": "未能分派：{message}", "en": "Nothing was assigned: {message}"},
    "hh.list": {"zh": "本村住户", "en": "Households of this village"},
    "hh.summary": {"zh": "共 {n} 户，已分派 {assigned} 户，已访问 {visited} 户，访谈已保存 {done} 户。",
                   "en": "{n} households: {assigned} assigned, {visited} visited, {done} interviews stored."},
    "hh.empty": {"zh": "本村还没有住户。", "en": "No household in this village yet."},
    "hh.col.code": {"zh": "户编号", "en": "Household"},
    "hh.col.address": {"zh": "地址", "en": "Address"},
    "hh.col.surveyor": {"zh": "调查员", "en": "Surveyor"},
    "hh.col.visits": {"zh": "访问次数", "en": "Visits"},
    "hh.col.disposition": {"zh": "最终结果", "en": "Final outcome"},
    "hh.col.eligible": {"zh": "符合条件成员", "en": "Eligible members"},
    "hh.col.interview": {"zh": "访谈已保存", "en": "Interview stored"},
    "hh.not_assigned": {"zh": "未分派", "en": "not assigned"},
    "hh.not_visited": {"zh": "未访问", "en": "not visited"},
    "hh.yes": {"zh": "是", "en": "yes"},
    "hh.no": {"zh": "否", "en": "no"},
    "hh.reassign": {"zh": "重新分派选中的住户", "en": "Reassign selected households"},
    "hh.reassign.choose": {"zh": "选择住户", "en": "Households"},
    "hh.reassign.to": {"zh": "改派给", "en": "Assign to"},
    "hh.reassign.button": {"zh": "重新分派", "en": "Reassign"},
    "hh.reassign.none": {"zh": "请先选择住户。", "en": "Choose households first."},
    # the dashboard's fieldwork tab
    "dash.tab.fieldwork": {"zh": "入户调查", "en": "Fieldwork"},
    "dash.field.intro": {
        "zh": "入户概率抽样的进度：每个村（社区）和乡镇已分派、已访问的户数，完成访问数和应答率（AAPOR 标准定义）。"
              "应答率只计已访问的住户，每户按目前的最终结果计；尚未访问的住户只计入“已分派”。",
        "en": "Progress of the household probability sample: per village (community) and township, households "
              "assigned and visited, complete interviews and response rates (AAPOR Standard Definitions). The rates "
              "count the households visited so far, each with its final outcome to date; households not yet visited "
              "count only as assigned.",
    },
    "dash.field.rates_help": {
        "zh": "RR1 = 完成访问 ÷（所有符合条件的户 + 资格不明的户）；RR3 同 RR1，但资格不明的户只按 e 计入，"
              "e 为资格已知的户中符合条件的比例（AAPOR 比例分配法）。接触率 CON1 = 接触到的户 ÷（符合条件的户 + 资格不明的户）；"
              "拒访率 REF1 = 拒访或中断的户 ÷（符合条件的户 + 资格不明的户）。不符合条件的户不计入分母。",
        "en": "RR1 = completes ÷ (all eligible households + those of unknown eligibility); RR3 is the same but counts the "
              "unknowns only at e, the eligible share among households whose eligibility is known (AAPOR's proportional "
              "allocation). Contact rate CON1 = households contacted ÷ (eligible + unknown); refusal rate REF1 = refusals "
              "and break-offs ÷ (eligible + unknown). Households not eligible are left out of every denominator.",
    },
    "dash.field.by_site": {"zh": "各村（社区）", "en": "Per village (community)"},
    "dash.field.by_township": {"zh": "各乡镇与全县", "en": "Per township and the county"},
    "dash.field.col.township": {"zh": "乡镇", "en": "Township"},
    "dash.field.col.site": {"zh": "村（社区）", "en": "Village (community)"},
    "dash.field.col.assigned": {"zh": "已分派户数", "en": "Households assigned"},
    "dash.field.col.visited": {"zh": "已访问户数", "en": "Visited"},
    "dash.field.col.finished": {"zh": "已结束户数", "en": "Finished"},
    "dash.field.col.completes": {"zh": "完成访问", "en": "Completes"},
    "dash.field.col.rr1": {"zh": "应答率 RR1", "en": "Response rate RR1"},
    "dash.field.col.rr3": {"zh": "应答率 RR3", "en": "Response rate RR3"},
    "dash.field.col.e": {"zh": "e", "en": "e"},
    "dash.field.col.con1": {"zh": "接触率 CON1", "en": "Contact rate CON1"},
    "dash.field.col.ref1": {"zh": "拒访率 REF1", "en": "Refusal rate REF1"},
    "dash.field.county": {"zh": "全县", "en": "County"},
    "dash.field.thresholds": {
        "zh": "“下一步”提示：某村已结束（完成、拒访、不符合条件或已访满 {visits} 次）的住户达到 {n} 户后，"
              "接触率低于 {contact} 时提示“接触率低”，拒访率高于 {refusal} 时提示“拒访率高”。",
        "en": "Next steps: once a village has {n} finished households (complete, refusal, not eligible or {visits} "
              "visits made), a contact rate below {contact} is named as low contact and a refusal rate above "
              "{refusal} as high refusal.",
    },
    "dash.field.error": {"zh": "入户调查数据暂时无法显示：{message}", "en": "The fieldwork figures cannot be shown: {message}"},
    "dash.next.low_contact": {
        "zh": "{stratum} {site}：已结束的 {count} 户中接触率只有 {rate}，请改在傍晚或周末入户，或请村委会告知村民在家的时间。",
        "en": "{site} ({stratum}): the contact rate is only {rate} among {count} finished households; visit in the evening "
              "or at weekends, or ask the village committee when people are at home.",
    },
    "dash.next.high_refusal": {
        "zh": "{stratum} {site}：已结束的 {count} 户中拒访率达 {rate}，请村委会或村医事先介绍调查，并安排有经验的调查员回访。",
        "en": "{site} ({stratum}): the refusal rate is {rate} among {count} finished households; ask the village committee "
              "or the village doctor to introduce the survey, and send an experienced surveyor.",
    },
}
