"""The evaluator dashboard: progress, results with verdicts, watching flags, exports.

The verdict, LQAS and watching-flag words come from the rules that define them
(``analysis.verdict``, ``sampling.lqas``, ``analysis.sequential``)."""

from analysis.sequential import FLAG_WORDS
from analysis.verdict import VERDICT_WORDS
from app.strings import keyed
from sampling.lqas import LQAS_WORDS

STRINGS = {
    "nav.dashboard": {"zh": "评估看板", "en": "Evaluation dashboard"},
    "dash.title": {"zh": "评估看板", "en": "Evaluation dashboard"},
    "dash.intro": {
        "zh": "查看调查进度、各项指标的加权比例及其置信区间，并与达标线比较；可下载报告与数据。",
        "en": "Follow the fieldwork, see each indicator's weighted rate with its confidence interval against the "
        "threshold, and download reports and data.",
    },
    "dash.no_campaigns": {"zh": "还没有调查活动。请先在“新建调查”中创建。", "en": "No campaign yet. Create one under “New campaign”."},
    "dash.campaign": {"zh": "调查活动", "en": "Campaign"},
    "dash.demo_note": {
        "zh": "这是演示活动：框架是示例，问卷是模拟数据，结果不能作为评审依据。",
        "en": "This is a demo campaign: illustrative frame, simulated responses; not evidence for the review.",
    },
    "dash.refresh": {"zh": "刷新数据", "en": "Refresh"},
    "dash.updated": {"zh": "数据更新于 {time}（{zone}，共 {n} 份问卷）", "en": "Data as of {time} ({zone}; {n} responses)"},
    "dash.zone.china": {"zh": "北京时间", "en": "Beijing time"},
    "dash.empty": {
        "zh": "本活动还没有收到问卷。张贴二维码、安排调查员或导入纸质问卷后，这里会显示进度和结果。",
        "en": "No responses yet. Once posters are up, surveyors work or paper forms are imported, progress and "
        "results appear here.",
    },
    "dash.filtered_empty": {"zh": "按当前的计入规则，没有问卷计入分析。", "en": "No response counts under the current choices."},
    # choices
    "dash.choices": {"zh": "分析选项", "en": "Analysis choices"},
    "dash.weighting": {"zh": "加权方法", "en": "Weights"},
    "dash.weighting.design": {"zh": "设计权重（按抽样方案）", "en": "Design weights (from the plan)"},
    "dash.weighting.equal": {"zh": "不加权（每份问卷权重相同）", "en": "Unweighted (every response counts once)"},
    "dash.weighting.poststratify": {"zh": "事后分层（按上传的人口数）", "en": "Post-stratified (to uploaded population counts)"},
    "dash.weighting.rake": {"zh": "迭代加权（按人口数的各边际）", "en": "Raked (to the margins of uploaded counts)"},
    "dash.weighting.help.design": {
        "zh": "每名受访者代表的人数：抽样方案的权重；若无，则按各乡镇（街道）人口数除以受访人数。",
        "en": "How many people each respondent stands for: the plan's weights, else township population over respondents.",
    },
    "dash.weighting.help.equal": {
        "zh": "忽略抽样权重，仅作对照；不同乡镇样本比例与人口比例不同时会有偏差。",
        "en": "Ignores the weights, for comparison only; biased when townships are sampled out of proportion.",
    },
    "dash.weighting.help.poststratify": {
        "zh": "使每个单元（如乡镇×年龄组×性别）的加权人数等于上传的人口数，纠正年龄、性别构成的偏差。",
        "en": "Makes the weighted count of each cell (e.g. township × age group × sex) equal the uploaded count.",
    },
    "dash.weighting.help.rake": {
        "zh": "只对齐各个边际（如乡镇、年龄组、性别各自的人口数），单元太小时比事后分层更稳定。",
        "en": "Matches each margin (township, age group, sex) separately; steadier than post-stratification for small cells.",
    },
    "dash.population": {"zh": "人口数表（CSV 或 Excel）", "en": "Population table (CSV or Excel)"},
    "dash.population.help": {
        "zh": "每行一个单元：乡镇、年龄组（age_group）、性别（sex）等列，以及“人口”列。取值可用中文选项（如 男、65岁及以上）。",
        "en": "One row per cell: columns for township, age_group, sex, ... and a count column (population / 人口).",
    },
    "dash.population.needed": {"zh": "请上传人口数表；在此之前使用设计权重。", "en": "Upload a population table; design weights are used until then."},
    "dash.population.problems": {
        "zh": "人口数表与数据不符，暂用设计权重。请逐行修改：",
        "en": "The population table does not fit the data; design weights are used. Fix these rows:",
    },
    "dash.population.ok": {"zh": "已读取人口数表：{cells} 个单元（{columns}）。", "en": "Population table read: {cells} cells ({columns})."},
    "dash.ci": {"zh": "置信区间方法", "en": "Interval method"},
    "dash.ci.help": {
        "zh": "默认 Korn–Graubard（beta）法：比例接近 100% 时仍可靠。其余方法与 R 语言 survey 软件包一致。",
        "en": "Default Korn–Graubard (beta): reliable near 100%. The others are those of R's survey package.",
    },
    "dash.ci.beta": {"zh": "Korn–Graubard（推荐）", "en": "Korn–Graubard (recommended)"},
    "dash.ci.logit": {"zh": "logit 变换", "en": "Logit"},
    "dash.ci.likelihood": {"zh": "似然比", "en": "Likelihood"},
    "dash.ci.asin": {"zh": "反正弦变换", "en": "Arcsine"},
    "dash.ci.mean": {"zh": "Wald（估计值±t×标准误）", "en": "Wald (estimate ± t × SE)"},
    "dash.ci.xlogit": {"zh": "logit（delta 法）", "en": "Logit (delta method)"},
    "dash.ci.wilson": {"zh": "Wilson（仅简单随机抽样）", "en": "Wilson (simple random samples only)"},
    "dash.ci.clopper-pearson": {"zh": "Clopper–Pearson（仅简单随机抽样）", "en": "Clopper–Pearson (simple random samples only)"},
    "dash.ci.jeffreys": {"zh": "Jeffreys（仅简单随机抽样）", "en": "Jeffreys (simple random samples only)"},
    "dash.level": {"zh": "置信水平（单侧）", "en": "Confidence level (one-sided)"},
    "dash.level.help": {
        "zh": "默认取辖区配置中的水平（通常 95%）；判定用这一水平的单侧界限，表中区间即这两个界限"
        "（单侧 95% 对应双侧 90% 区间）。",
        "en": "Defaults to the profile's level (usually 95%); verdicts use one-sided bounds at this level and the table "
        "shows them as an interval (one-sided 95% bounds form a two-sided 90% interval).",
    },
    "dash.exclude_surveyor": {"zh": "不计调查员代填的问卷", "en": "Leave out surveyor entries"},
    "dash.exclude_surveyor.help": {
        "zh": "用于检查调查员录入是否与自填结果一致。",
        "en": "To check whether surveyor entries agree with self-completed forms.",
    },
    "dash.exclude_import": {"zh": "不计外部导入的问卷", "en": "Leave out imported responses"},
    "dash.dates": {"zh": "只计此期间提交的问卷", "en": "Only responses submitted in"},
    "dash.dates.help": {"zh": "日期按活动所在时区，含起止日。", "en": "Dates in the campaign's time zone, inclusive."},
    "dash.lqas": {"zh": "按 LQAS 规则判定各乡镇", "en": "Classify townships by an LQAS rule"},
    "dash.lqas.help": {
        "zh": "抽样方案采用 LQAS 时使用：每个乡镇取前 n 份，至少 d 份为“是”即判定达标。",
        "en": "For plans that used LQAS: the first n responses per township; it meets the target when at least d say yes.",
    },
    "dash.lqas.n": {"zh": "每乡镇样本量 n", "en": "Sample per township n"},
    "dash.lqas.d": {"zh": "判定达标的最少“是”数 d", "en": "Decision rule d (at least)"},
    # tabs
    "dash.tab.progress": {"zh": "进度", "en": "Progress"},
    "dash.tab.results": {"zh": "结果与判定", "en": "Results and verdicts"},
    "dash.tab.watch": {"zh": "调查期间监测", "en": "Watching"},
    "dash.tab.export": {"zh": "报告与数据下载", "en": "Reports and data"},
    # progress
    "dash.metric.responses": {"zh": "计入分析的问卷", "en": "Responses counted"},
    "dash.metric.excluded": {"zh": "排除 {n} 份", "en": "{n} left out"},
    "dash.metric.sites_empty": {"zh": "未收到问卷的调查点", "en": "Sites with nothing yet"},
    "dash.metric.quota": {"zh": "计划样本完成", "en": "Planned sample reached"},
    "dash.metric.last": {"zh": "最近一份", "en": "Latest response"},
    "dash.progress.by_stratum": {"zh": "各乡镇（街道）进度", "en": "Progress per township"},
    "dash.progress.by_site": {"zh": "各调查点进度", "en": "Progress per site"},
    "dash.progress.over_time": {"zh": "累计问卷数（按日）", "en": "Cumulative responses per day"},
    "dash.progress.empty_sites": {"zh": "尚未收到问卷的调查点", "en": "Sites that have received nothing"},
    "dash.progress.no_empty_sites": {"zh": "每个有配额的调查点都已收到问卷。", "en": "Every site with a quota has responses."},
    "dash.next": {"zh": "下一步工作", "en": "What to do next"},
    "dash.next.none": {"zh": "目前没有需要补充的工作。", "en": "Nothing to do right now."},
    "dash.next.rest": {"zh": "其余 {n} 项：{kinds}", "en": "{n} more: {kinds}"},
    "dash.next.kind.no_responses": {"zh": "尚未收到问卷的调查点", "en": "sites without responses"},
    "dash.next.kind.more_responses": {"zh": "需要补充样本的指标", "en": "indicators needing more responses"},
    "dash.next.kind.few_sites": {"zh": "调查点不足的乡镇（街道）", "en": "townships with too few sites"},
    "dash.next.kind.behind_quota": {"zh": "未完成计划样本量的调查点", "en": "sites behind their quota"},
    "dash.next.kind.low_contact": {"zh": "入户接触率低的村", "en": "villages with low contact"},
    "dash.next.kind.high_refusal": {"zh": "拒访率高的村", "en": "villages with many refusals"},
    "dash.next.no_responses": {
        "zh": "{stratum} {site} 尚未收到“{questionnaire}”问卷（计划 {count} 份）：请张贴二维码或安排调查员。",
        "en": "{site} ({stratum}) has no “{questionnaire}” response yet ({count} planned): put up the poster or send a surveyor.",
    },
    "dash.next.more": {
        "zh": "{where}约需再收 {count} 份“{questionnaire}”问卷，{indicator}才能得出明确结论。",
        "en": "{where} needs about {count} more “{questionnaire}” responses for the {indicator} to be conclusive.",
    },
    "dash.next.close_call": {
        "zh": "{where}的{indicator}与达标线非常接近，增加样本也难以得出结论（约需再收 {count} 份）；请如实报告点估计和置信区间。",
        "en": "{where}: the {indicator} sits very close to the threshold; more data will hardly settle it (about {count} "
        "more). Report the estimate and interval as they are.",
    },
    "dash.next.beyond_reach": {
        "zh": "{where}的{indicator}估计值紧贴达标线，再增加问卷也难以判定；请如实报告点估计和置信区间。",
        "en": "{where}: the {indicator} estimate sits too close to the threshold for more responses to settle it. "
        "Report the estimate and interval as they are.",
    },
    "dash.next.few_sites": {
        "zh": "{stratum}的“{questionnaire}”问卷只来自 {count} 个调查点，不能单独判定；在同一调查点多收问卷帮助不大，"
        "如需乡镇层面的结论，请再增加 {add} 个调查点。",
        "en": "{stratum}: “{questionnaire}” responses come from only {count} sites, too few to judge the township on its "
        "own; more responses at the same sites hardly help. Add {add} more sites if the township needs its own conclusion.",
    },
    "dash.next.behind": {
        "zh": "{stratum} {site} 的“{questionnaire}”问卷还差 {count} 份达到计划样本量。",
        "en": "{site} ({stratum}) is {count} “{questionnaire}” responses short of its quota.",
    },
    # next steps, grouped (one line per kind and questionnaire; per indicator for more responses)
    "dash.next.group.no_responses": {
        "zh": "以下 {n} 个调查点尚未收到“{questionnaire}”问卷：{names}。请张贴二维码或安排调查员。",
        "en": "{n} sites have no “{questionnaire}” response yet: {names}. Put up the poster or send a surveyor.",
    },
    "dash.next.group.more": {
        "zh": "{indicator}：以下 {n} 处还需更多“{questionnaire}”问卷才能得出明确结论：{names}。",
        "en": "{indicator}: {n} places need more “{questionnaire}” responses to be conclusive: {names}.",
    },
    "dash.next.group.close_call": {
        "zh": "{indicator}：以下 {n} 处与达标线非常接近，增加样本也难以得出结论：{names}；请如实报告点估计和置信区间。",
        "en": "{indicator}: {n} places sit very close to the threshold, where more data will hardly settle it: {names}. "
              "Report the estimate and interval as they are.",
    },
    "dash.next.group.few_sites": {
        "zh": "以下 {n} 个乡镇（街道）的“{questionnaire}”问卷调查点不足，不能单独判定：{names}。在同一调查点多收问卷帮助不大，"
              "如需乡镇层面的结论，请增加调查点。",
        "en": "{n} townships have too few sites with “{questionnaire}” responses to be judged on their own: {names}. More "
              "responses at the same sites hardly help; add sites where a township needs its own conclusion.",
    },
    "dash.next.group.behind": {
        "zh": "以下 {n} 个调查点的“{questionnaire}”问卷未达到计划样本量：{names}。",
        "en": "{n} sites are short of their “{questionnaire}” quota: {names}.",
    },
    "dash.next.group.low_contact": {
        "zh": "以下 {n} 个村入户接触率低：{names}。请改在傍晚或周末入户，或请村委会告知村民在家的时间。",
        "en": "{n} villages have a low contact rate: {names}. Visit in the evening or at weekends, or ask the village "
              "committee when people are at home.",
    },
    "dash.next.group.high_refusal": {
        "zh": "以下 {n} 个村拒访率高：{names}。请村委会或村医事先介绍调查，并安排有经验的调查员回访。",
        "en": "{n} villages have many refusals: {names}. Ask the village committee or the village doctor to introduce "
              "the survey, and send an experienced surveyor.",
    },
    "dash.next.name.more": {"zh": "{where}约 {count} 份", "en": "{where} about {count}"},
    "dash.next.name.behind": {"zh": "{site}差 {count} 份", "en": "{site} {count} to go"},
    "dash.next.name.few_sites": {"zh": "{stratum}（{count} 个点，需再增 {add} 个）", "en": "{stratum} ({count} sites, add {add})"},
    "dash.next.name.few_sites_each": {"zh": "（各只有 {count} 个调查点，各需再增 {add} 个）",
                                      "en": " ({count} sites each; add {add} each)"},
    "dash.next.name.rate": {"zh": "{site}（{rate}）", "en": "{site} ({rate})"},
    "dash.next.list_more": {"zh": "等 {n} 处", "en": "and {n} more"},
    "dash.next.count.no_responses": {"zh": "{n} 个调查点尚无应答", "en": "{n} sites with no response"},
    "dash.next.count.more_responses": {"zh": "{n} 处需补充样本", "en": "{n} places needing more responses"},
    "dash.next.count.few_sites": {"zh": "{n} 个乡镇（街道）调查点不足", "en": "{n} townships with too few sites"},
    "dash.next.count.behind_quota": {"zh": "{n} 个调查点未完成计划样本量", "en": "{n} sites behind their quota"},
    "dash.next.count.low_contact": {"zh": "{n} 个村接触率低", "en": "{n} villages with low contact"},
    "dash.next.count.high_refusal": {"zh": "{n} 个村拒访率高", "en": "{n} villages with many refusals"},
    "dash.next.rest_lines": {"zh": "其余 {n} 条：{kinds}", "en": "{n} more lines: {kinds}"},
    # report files, one at a time
    "dash.col.verdict.help": {
        "zh": "判定：按判定所用区间与达标线比较得出；调查点不足的乡镇（街道）不单独判定。",
        "en": "Verdict: the interval used for judging compared with the threshold; a township with too few sites "
              "is not judged on its own.",
    },
    "dash.export.make": {"zh": "生成{file}", "en": "Make: {file}"},
    "dash.export.file.xlsx": {"zh": "Excel 工作簿", "en": "Excel workbook"},
    "dash.export.file.docx": {"zh": "Word 报告", "en": "Word report"},
    "dash.export.file.pdf": {"zh": "PDF 报告（含图）", "en": "PDF report (with charts)"},
    "dash.export.file.csv_estimates": {"zh": "估计结果 CSV", "en": "Estimates (CSV)"},
    "dash.export.file.csv_responses": {"zh": "“{questionnaire}”问卷数据 CSV", "en": "“{questionnaire}” responses (CSV)"},
    "dash.export.making": {"zh": "正在生成：{file}…", "en": "Making: {file}…"},
    "dash.export.made": {"zh": "已生成：{file}（{seconds:.1f} 秒）", "en": "Made: {file} ({seconds:.1f} s)"},
    "dash.export.stale": {"zh": "数据或选项已变化，请重新生成。", "en": "The data or choices changed: make the file again."},
    "dash.county": {"zh": "全县（区）", "en": "County"},
    "dash.col.stratum": {"zh": "乡镇（街道）", "en": "Township"},
    "dash.col.site": {"zh": "调查点", "en": "Site"},
    "dash.col.questionnaire": {"zh": "问卷", "en": "Questionnaire"},
    "dash.col.quota": {"zh": "计划", "en": "Quota"},
    "dash.col.responses": {"zh": "已收", "en": "Received"},
    "dash.col.remaining": {"zh": "尚差", "en": "To go"},
    "dash.col.share": {"zh": "完成比例", "en": "Reached"},
    "dash.col.sites_empty": {"zh": "未收到问卷的调查点", "en": "Sites with nothing"},
    "dash.col.date": {"zh": "日期", "en": "Date"},
    # results
    "dash.results.intro": {
        "zh": "表中区间即判定所用区间。“点估计读法”只看估计值，仅供参考。",
        "en": "The interval in the table is the one the verdict uses. The point-estimate reading looks at the estimate "
        "alone and is for reference only.",
    },
    "dash.results.threshold": {"zh": "达标线 {threshold}", "en": "threshold {threshold}"},
    "dash.results.no_threshold": {"zh": "（本辖区未设达标线）", "en": "(no threshold in this profile)"},
    "dash.results.no_data": {
        "zh": "暂无可用答卷：目前没有适用于本指标的答卷（例如受访者都没有用过中医药服务），尚无估计值。",
        "en": "No usable response yet: no response so far applies to this indicator (e.g. nobody has used TCM services), "
              "so there is no estimate.",
    },
    "dash.results.overall": {
        "zh": "全县（区）：{estimate}，{label} {interval}，{verdict}；点估计{reading}达标线",
        "en": "County: {estimate}, {label} {interval}, {verdict}; the point estimate is {reading} the threshold",
    },
    "dash.reading.yes": {"zh": "已达到", "en": "at or above"},
    "dash.reading.no": {"zh": "未达到", "en": "below"},
    "dash.col.domain": {"zh": "范围", "en": "Where"},
    "dash.col.n": {"zh": "样本量", "en": "n"},
    "dash.col.estimate": {"zh": "估计值", "en": "Estimate"},
    "dash.col.ci": {"zh": "置信区间", "en": "Confidence interval"},
    "dash.col.se": {"zh": "标准误", "en": "SE"},
    "dash.col.deff": {"zh": "设计效应", "en": "Design effect"},
    "dash.col.df": {"zh": "自由度", "en": "df"},
    "dash.col.verdict": {"zh": "判定", "en": "Verdict"},
    "dash.col.reading": {"zh": "点估计读法", "en": "Point-estimate reading"},
    "dash.col.flag": {"zh": "监测提示", "en": "Hint"},
    "dash.col.lqas": {"zh": "LQAS 判定", "en": "LQAS"},
    "dash.col.sampled": {"zh": "已取样本", "en": "Taken"},
    "dash.col.successes": {"zh": "“是”的份数", "en": "Yes"},
    "dash.results.few_sites_note": {
        "zh": "“调查点不足，不能单独判定”的乡镇（街道）只有 1–2 个调查点（设计自由度小于 {min_df}）：其标准误和设计效应没有意义，"
        "以“—”表示；其区间只说明不确定的程度（调查点太少时无法计算，写明原因）；图中以空心方块和浅灰细线画出，不作判定。"
        "全县（区）的结果是结论。",
        "en": "Townships marked “too few sites” have one or two sites (fewer than {min_df} design degrees of freedom): "
        "their SE and design effect mean nothing and show as “—”; their interval only shows how uncertain they are (with "
        "one site none can be computed, and the table says so); the chart draws them hollow and pale, without a "
        "verdict. The county row is the conclusion.",
    },
    "dash.results.reference": {"zh": "参考：{label} {interval}", "en": "Reference: {label} {interval}"},
    "dash.means.official": {"zh": "以均值为官方口径", "en": "the mean is the official figure"},
    "dash.means.overall": {
        "zh": "全县（区）平均得分率：{mean}（标准误 {se}），{label} {low}–{high}",
        "en": "County mean share of the points: {mean} (SE {se}), {label} {low}–{high}",
    },
    "dash.means.note": {
        "zh": "得分率是得分占满分的比例；均值按抽样设计计算，区间用设计自由度的 t 分布。规划未对均值设达标线，不作判定。",
        "en": "The score is the share of the points; the mean follows the sampling design and the interval uses the "
              "t distribution on the design degrees of freedom. No plan sets a threshold for a mean, so there is no verdict.",
    },
    "dash.col.mean": {"zh": "平均得分率", "en": "Mean score"},
    "dash.export.step.results": {"zh": "正在整理结果和答卷…", "en": "Collecting the results and answers…"},
    "dash.export.step.xlsx": {"zh": "正在生成 Excel 工作簿…", "en": "Writing the Excel workbook…"},
    "dash.export.step.docx": {"zh": "正在生成 Word 报告…", "en": "Writing the Word report…"},
    "dash.export.step.pdf": {"zh": "正在生成 PDF 报告（含图）…", "en": "Writing the PDF report (with charts)…"},
    "dash.export.step.csv": {"zh": "正在生成 CSV 文件…", "en": "Writing the CSV files…"},
    "dash.export.step.done": {"zh": "完成", "en": "Done"},
    "dash.point.yes": {"zh": "点估计已达到", "en": "estimate reaches it"},
    "dash.point.no": {"zh": "点估计未达到", "en": "estimate below it"},
    "dash.forest.x": {"zh": "比例", "en": "Rate"},
    "dash.lqas.title": {"zh": "LQAS 判定（前 {n} 份中至少 {d} 份为“是”）", "en": "LQAS (at least {d} yes among the first {n})"},
    "dash.error": {"zh": "无法计算：{message}", "en": "Cannot compute: {message}"},
    # watching
    "dash.watch.intro": {
        "zh": "每天查看固定样本的置信区间会增加误判达标的风险。这里的标记采用随时有效的混合似然比方法"
        "（按整个调查点更新），无论查看多少次，误判概率都不超过 {alpha}。这些标记只是提示，不是结论；调查点不足、"
        "不能单独判定的乡镇（街道）不作提示。正式结论只看“结果与判定”。",
        "en": "Re-checking a fixed-sample interval every day inflates false passes. These flags use an anytime-valid "
        "mixture likelihood ratio (updated by whole site): however often you look, the chance of a false flag stays "
        "within {alpha}. They are hints, not verdicts; a township with too few sites to be judged gets no hint. "
        "The verdicts are under “Results and verdicts” only.",
    },
    "dash.watch.computing": {"zh": "正在计算监测提示…", "en": "Computing the watching flags…"},
    "dash.watch.quiet": {
        "zh": "以下 {n} 个乡镇（街道）调查点不足，各项指标均不作提示（表中从略）：{names}。",
        "en": "{n} townships have too few sites for any hint on any indicator (left out of the table): {names}.",
    },
    # exports
    "dash.export.intro": {
        "zh": "报告与数据按上面选定的加权和计入规则生成。Word 报告便于修改并粘贴到创建材料中。",
        "en": "Files follow the choices above. The Word report can be edited and pasted into the dossier.",
    },
    "dash.export.prepare": {"zh": "生成报告与数据文件", "en": "Prepare the files"},
    "dash.export.ready": {"zh": "文件已生成，可以下载。", "en": "The files are ready to download."},
    "dash.export.xlsx": {"zh": "下载 Excel 工作簿", "en": "Download the Excel workbook"},
    "dash.export.docx": {"zh": "下载 Word 报告", "en": "Download the Word report"},
    "dash.export.pdf": {"zh": "下载 PDF 报告", "en": "Download the PDF report"},
    "dash.export.csv_estimates": {"zh": "下载估计结果 CSV", "en": "Download estimates (CSV)"},
    "dash.export.csv_responses": {"zh": "下载“{questionnaire}”问卷数据 CSV", "en": "Download “{questionnaire}” responses (CSV)"},
    "dash.export.csv_help": {
        "zh": "CSV 为带 BOM 的 UTF-8 编码，可直接用 Excel、R、Stata、SPSS 打开。",
        "en": "CSV files are UTF-8 with BOM: they open in Excel, R, Stata and SPSS.",
    },
    **keyed("dash.verdict", VERDICT_WORDS),
    "dash.verdict.none": {"zh": "—", "en": "—"},
    **keyed("dash.lqas", LQAS_WORDS),
    **keyed("dash.flag", FLAG_WORDS),
}
