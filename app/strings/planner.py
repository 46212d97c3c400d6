STRINGS = {
    "nav.planner": {"zh": "抽样规划", "en": "Sampling planner"},
    "planner.title": {"zh": "抽样规划", "en": "Sampling planner"},
    "planner.intro": {
        "zh": "按辖区达标线计算样本量，比较“全县一个结论”与“每个街镇各自得出结论”所需的人数，"
        "把样本分配到各街镇，再按规模成比例（PPS）抽取村/社区点位，下载抽样方案。",
        "en": "Compute sample sizes against the jurisdiction's thresholds, compare one county-wide "
        "conclusion with a conclusion for every township, allocate the sample to townships, draw "
        "villages/communities with probability proportional to size (PPS), and download the plan.",
    },
    "planner.error": {"zh": "输入有误：{message}", "en": "Input problem: {message}"},
    # frame and profile
    "planner.setup": {"zh": "1. 辖区与抽样框", "en": "1. Jurisdiction and sampling frame"},
    "planner.profile": {"zh": "辖区配置（达标线）", "en": "Jurisdiction profile (thresholds)"},
    "planner.indicator": {"zh": "指标", "en": "Indicator"},
    "planner.threshold_is": {"zh": "达标线：≥ {p}", "en": "Threshold: ≥ {p}"},
    "planner.no_threshold": {"zh": "该辖区配置没有此指标的达标线，请手动填写。", "en": "This profile has no threshold for the indicator; enter one."},
    "planner.frame_source": {"zh": "抽样框", "en": "Sampling frame"},
    "planner.frame.demo": {"zh": "示例：柳南区 3 镇 8 街道", "en": "Demo: Liunan District, 3 towns and 8 street offices"},
    "planner.frame.upload": {"zh": "上传本地抽样框（CSV 或 Excel）", "en": "Upload your own frame (CSV or Excel)"},
    "planner.demo_note": {
        "zh": "示例抽样框：街镇名称来自柳南区创建方案，村/社区名称、编码和人口均为虚构的示意数据，仅供演示，不能用于实际调查。",
        "en": "Demo frame: the township names come from Liunan's plan; the villages/communities, codes "
        "and populations are made up for illustration and must not be used for a real survey.",
    },
    "planner.upload": {"zh": "选择文件（每行一个村/社区：街镇、编码、人口）", "en": "Choose a file (one row per village/community: township, code, population)"},
    "planner.frame.paste": {"zh": "粘贴抽样框表格", "en": "Paste a frame table"},
    "planner.paste": {"zh": "从 Excel 复制后粘贴（第一行为列名；每行一个村/社区：街镇、编码、人口）",
                      "en": "Copy from Excel and paste (first row the column names; one row per village/community: township, code, population)"},
    "planner.paste_hint": {"zh": "请粘贴抽样框表格（最多 40 万个字符）。登录后可上传文件。",
                           "en": "Paste the frame table (at most 400,000 characters). Signed-in staff may upload a file."},
    "planner.upload_other": {"zh": "已读取 {name}：换一个文件", "en": "{name} is read: use another file"},
    "planner.upload_hint": {"zh": "请先上传抽样框文件。", "en": "Upload a frame file first."},
    "planner.col.stratum": {"zh": "街镇（层）列", "en": "Township (stratum) column"},
    "planner.col.psu": {"zh": "村/社区编码列", "en": "Village/community code column"},
    "planner.col.size": {"zh": "人口列", "en": "Population column"},
    "planner.frame_summary": {"zh": "抽样框：{strata} 个街镇，{psus} 个村/社区，总人口 {people:,.0f}", "en": "Frame: {strata} townships, {psus} villages/communities, population {people:,.0f}"},
    # sample size
    "planner.size": {"zh": "2. 样本量", "en": "2. Sample size"},
    "planner.goal": {"zh": "目标", "en": "Goal"},
    "planner.goal.threshold": {"zh": "证明达标（高于达标线）", "en": "Show the rate is above the threshold"},
    "planner.goal.margin": {"zh": "按精度估计（± 误差）", "en": "Estimate within a margin (±)"},
    "planner.expected": {"zh": "预期比例", "en": "Expected rate"},
    "planner.threshold": {"zh": "达标线", "en": "Threshold"},
    "planner.margin": {"zh": "允许误差（± 个百分点）", "en": "Margin (± percentage points)"},
    "planner.margin_help": {"zh": "以百分点计：5 表示 ± 5 个百分点（如 90% ± 5 个百分点即 85%–95%），不是 ± 5%。",
                            "en": "In percentage points: 5 means ± 5 percentage points (90% ± 5 points is 85%-95%), not ± 5%."},
    "planner.margin_is": {"zh": "± {points}：预期比例的区间约为 {low}–{high}", "en": "± {points}: about {low}-{high} around the expected rate"},
    "planner.points": {"zh": "{n} 个百分点", "en": "{n} percentage points"},
    "planner.yes": {"zh": "是", "en": "Yes"},
    "planner.no": {"zh": "否", "en": "No"},
    "planner.alloc_totals": {
        "zh": "计划总样本量 {planned} 人，分配到各街镇合计 {allocated} 人。分配先按方法算出各街镇的份额，再保证每个街镇不少于“每个街镇至少”"
        "（人口不足的街镇全部调查），最后取整，合计与计划相同。下一步抽取点位时，每个点位人数 = 街镇分配数 ÷ 点位数，向上取整，"
        "所以实际调查人数可能多于计划。",
        "en": "Planned total {planned}; allocated to the townships {allocated}. The method gives each township its share, every "
        "township gets at least the minimum (a smaller township is taken whole), then the shares are rounded so they add up to "
        "the plan. When the sites are drawn next, people per site = the township's allocation ÷ sites, rounded up, so the "
        "people to survey can exceed the plan.",
    },
    "planner.plan_vs_alloc.more": {
        "zh": "计划调查 {people} 人，比分配合计 {allocated} 人多 {extra} 人：每个街镇的分配数除以点位数（{psus}）后向上取整，"
        "每个点位至少 1 人，多出的人数来自取整。",
        "en": "{people} people to survey, {extra} more than the {allocated} allocated: each township's allocation is divided "
        "over its {psus} sites and rounded up (at least 1 per site); the extra comes from the rounding.",
    },
    "planner.plan_vs_alloc.same": {"zh": "计划调查人数与分配合计（{allocated} 人）相同。", "en": "The people to survey equal the allocation ({allocated})."},
    "planner.plan_vs_alloc.fixed": {
        "zh": "计划调查 {people} 人 = 点位数 × 每点固定 {take} 人，不按上面的分配（分配合计 {allocated} 人）。",
        "en": "{people} people to survey = sites × {take} per site, not the allocation above ({allocated} allocated).",
    },
    "planner.level": {"zh": "置信水平", "en": "Confidence level"},
    "planner.alpha": {"zh": "显著性水平 α（单侧）", "en": "Significance level α (one-sided)"},
    "planner.power": {"zh": "检验效能 1−β", "en": "Power 1−β"},
    "planner.deff": {"zh": "设计效应 deff", "en": "Design effect (deff)"},
    "planner.deff_help": {"zh": "整群抽样时约为 1 + (m−1)ρ，m 为每点人数，ρ 为群内相关系数。", "en": "About 1 + (m−1)ρ for cluster samples, m people per site, ρ the intra-cluster correlation."},
    "planner.response_rate": {"zh": "预计应答率", "en": "Expected response rate"},
    "planner.method": {"zh": "计算方法", "en": "Method"},
    "planner.method.normal": {"zh": "正态近似（公式）", "en": "Normal approximation (formula)"},
    "planner.method.exact": {"zh": "精确二项", "en": "Exact binomial"},
    "planner.method.wilson": {"zh": "Wilson 区间", "en": "Wilson interval"},
    "planner.county": {"zh": "全县（区）一个结论", "en": "One conclusion for the county"},
    "planner.townships": {"zh": "每个街镇各自得出结论", "en": "A conclusion for every township"},
    "planner.n_county": {"zh": "全县样本量", "en": "County sample size"},
    "planner.n_townships": {"zh": "各街镇合计", "en": "Total over townships"},
    "planner.ratio": {"zh": "各街镇分别下结论所需人数是全县结论的 {ratio:.1f} 倍，请据此选择。", "en": "A conclusion for every township needs {ratio:.1f} times the county sample: choose knowingly."},
    "planner.steps": {"zh": "计算过程", "en": "How n was computed"},
    "planner.step.n0": {"zh": "简单随机抽样 n₀", "en": "Simple random sample n₀"},
    "planner.step.deff": {"zh": "× 设计效应", "en": "× design effect"},
    "planner.step.fpc": {"zh": "有限总体校正（N = {N:,.0f}）", "en": "Finite population correction (N = {N:,.0f})"},
    "planner.step.response": {"zh": "÷ 应答率", "en": "÷ response rate"},
    "planner.step.n": {"zh": "向上取整 n", "en": "Rounded up n"},
    "planner.exact_rule": {"zh": "精确检验：{n0} 人中至少 {c} 人“是”即判定高于达标线（实际 α = {a:.3f}，效能 = {p:.3f}）。", "en": "Exact test: claim the rate is above the threshold when at least {c} of {n0} say yes (attained α = {a:.3f}, power = {p:.3f})."},
    "planner.sawtooth": {"zh": "注意：精确检验的效能随 n 呈锯齿状；n ≥ {stable} 时效能始终达到要求。", "en": "Note: exact power saw-tooths with n; every n ≥ {stable} keeps the power."},
    "planner.col.township": {"zh": "街镇", "en": "Township"},
    "planner.col.population": {"zh": "人口", "en": "Population"},
    "planner.col.n": {"zh": "样本量", "en": "Sample size"},
    "planner.col.n0": {"zh": "n₀", "en": "n₀"},
    "planner.col.fpc": {"zh": "校正后", "en": "After fpc"},
    # LQAS
    "planner.lqas": {"zh": "3. 批质量保证抽样（LQAS）判定规则", "en": "3. LQAS decision rule"},
    "planner.lqas_intro": {"zh": "每个街镇抽 n 人，至少 d 人“是”即判定该街镇达标。", "en": "Sample n people per township; it meets the target when at least d say yes."},
    "planner.lqas.upper": {"zh": "目标比例（应判达标）", "en": "Target rate (should pass)"},
    "planner.lqas.lower": {"zh": "下限比例（应判不达标）", "en": "Lower rate (should fail)"},
    "planner.lqas.alpha": {"zh": "α：达标街镇被误判不达标的最大概率", "en": "α: max risk of failing a township at the target"},
    "planner.lqas.beta": {"zh": "β：不达标街镇被误判达标的最大概率", "en": "β: max risk of passing a township at the lower rate"},
    "planner.lqas.result": {"zh": "每个街镇 n = {n} 人，至少 {d} 人“是”判定达标（α = {a:.3f}，β = {b:.3f}）。", "en": "n = {n} per township; meets when at least {d} say yes (α = {a:.3f}, β = {b:.3f})."},
    "planner.lqas.classic": {"zh": "两个比例只相差 {gap}，所需样本远大于经典的 19 人（经典设计假定相差 30 个百分点）。", "en": "The two rates are only {gap} apart, so n is far above the classic 19 (which assumes a 30-point gap)."},
    # allocation
    "planner.allocation": {"zh": "4. 样本分配到各街镇", "en": "4. Allocation to townships"},
    "planner.total": {"zh": "总样本量", "en": "Total sample size"},
    "planner.total_help": {"zh": "默认取全县样本量；若要每个街镇各自得出结论，请改为各街镇合计。", "en": "Defaults to the county n; use the township total if every township needs a conclusion."},
    "planner.alloc_method": {"zh": "分配方法", "en": "Allocation method"},
    "planner.alloc.proportional": {"zh": "按人口比例", "en": "Proportional"},
    "planner.alloc.equal": {"zh": "各街镇相等", "en": "Equal"},
    "planner.alloc.neyman": {"zh": "Neyman 最优", "en": "Neyman"},
    "planner.alloc.power": {"zh": "幂分配（兼顾小街镇）", "en": "Power allocation (keeps small townships estimable)"},
    "planner.exponent": {"zh": "幂指数 q（0 = 相等，1 = 按比例）", "en": "Exponent q (0 = equal, 1 = proportional)"},
    "planner.minimum": {"zh": "每个街镇至少", "en": "Minimum per township"},
    "planner.col.share": {"zh": "占比", "en": "Share"},
    # selection
    "planner.selection": {"zh": "5. 抽取村/社区点位", "en": "5. Draw villages/communities"},
    "planner.psus": {"zh": "每个街镇抽取点位数", "en": "Sites per township"},
    "planner.sel_method": {"zh": "抽样方法", "en": "Selection method"},
    "planner.sel.pps": {"zh": "按规模成比例系统抽样（PPS）", "en": "PPS systematic"},
    "planner.sel.srs": {"zh": "简单随机抽样", "en": "Simple random sampling"},
    "planner.sel.systematic": {"zh": "等距系统抽样", "en": "Systematic (equal probability)"},
    "planner.take_rule": {"zh": "每个点位调查人数", "en": "People per site"},
    "planner.take.allocation": {"zh": "按分配结果平均到点位", "en": "From the allocation, spread over the sites"},
    "planner.take.fixed": {"zh": "固定人数", "en": "Fixed number"},
    "planner.take": {"zh": "每点人数", "en": "People per site"},
    "planner.seed": {"zh": "随机种子（相同种子得到相同方案）", "en": "Random seed (same seed, same plan)"},
    "planner.draw": {"zh": "抽取点位", "en": "Draw sites"},
    "planner.plan_ready": {"zh": "已抽取 {psus} 个点位，计划调查 {people} 人（方法 {method}，种子 {seed}）。", "en": "{psus} sites drawn, {people} people to survey (method {method}, seed {seed})."},
    "planner.plan_columns": {
        "zh": "列说明：点位入样概率为该村（社区）被抽中的概率；必选点位的入样概率为 1；设计权重 = 1/个人入样概率，"
        "即每名受访者代表的人数。下载的 CSV/Excel 保留英文列名（inclusion_prob、person_prob、take、weight 等），便于导入。",
        "en": "Columns: site inclusion probability; certainty units are taken for sure; design weight = 1/person "
        "inclusion probability (people each respondent stands for). The CSV/Excel downloads keep the English column "
        "names (inclusion_prob, person_prob, take, weight, ...) for import.",
    },
    "planner.strata_summary": {"zh": "各街镇：点位数、人数与权重合计（PPS 时等于街镇人口）", "en": "Per township: sites, people and weight total (equal to the population under PPS)"},
    "planner.col.sites": {"zh": "点位数", "en": "Sites"},
    "planner.col.people": {"zh": "调查人数", "en": "People"},
    "planner.col.weight_sum": {"zh": "权重合计", "en": "Weight total"},
    "planner.download_csv": {"zh": "下载抽样方案（CSV）", "en": "Download the plan (CSV)"},
    "planner.download_xlsx": {"zh": "下载抽样方案（Excel）", "en": "Download the plan (Excel)"},
    "planner.curve": {"zh": "全县所需样本量与预期比例", "en": "County sample size against the expected rate"},
    "planner.curve.caption": {
        "zh": "其他设定不变，预期比例越接近达标线，所需样本越多；圆点为当前选择（预期 {p}，n = {n}）。",
        "en": "Other choices held: the closer the expected rate to the threshold, the larger the sample; the dot is "
        "the current choice (expected {p}, n = {n}).",
    },
    "planner.curve.caption_margin": {
        "zh": "其他设定不变（允许误差 ± {points}），预期比例越接近 50%，所需样本越多；圆点为当前选择（预期 {p}，n = {n}）。",
        "en": "Other choices held (margin ± {points}): the closer the expected rate to 50%, the larger the sample; the dot "
        "is the current choice (expected {p}, n = {n}).",
    },
    "planner.curve.x": {"zh": "预期比例", "en": "Expected rate"},
    "planner.curve.y": {"zh": "所需样本量（人）", "en": "Sample size (people)"},
    "planner.curve.chosen": {"zh": "当前选择", "en": "Current choice"},
    "planner.alloc_chart": {"zh": "各街镇分配的样本量", "en": "Sample allocated to each township"},
    "planner.lqas.from_threshold": {
        "zh": "目标比例取上面输入的达标线 {p}（改动上面的达标线，这里随之改变）。",
        "en": "The target rate is the threshold typed above, {p} (change it there and this follows).",
    },
    "planner.plancol.stratum": {"zh": "街镇", "en": "Township"},
    "planner.plancol.psu": {"zh": "单位编码", "en": "Unit code"},
    "planner.plancol.size": {"zh": "常住人口", "en": "Population"},
    "planner.plancol.inclusion_prob": {"zh": "点位入样概率", "en": "Site inclusion probability"},
    "planner.plancol.certainty": {"zh": "必选点位", "en": "Certainty unit"},
    "planner.plancol.take": {"zh": "该点调查人数", "en": "People at the site"},
    "planner.plancol.person_prob": {"zh": "个人入样概率", "en": "Person inclusion probability"},
    "planner.plancol.weight": {"zh": "设计权重", "en": "Design weight"},
    "planner.plancol.psus_drawn": {"zh": "本街镇抽取点位数", "en": "Sites drawn in the township"},
    "planner.plancol.stratum_psus": {"zh": "本街镇点位总数", "en": "Sites in the township"},
    "planner.plancol.stratum_size": {"zh": "本街镇人口", "en": "Township population"},
    # which indicator needs which mode, and the household stage
    "planner.mode_is": {"zh": "调查方式：{mode}", "en": "Reached by: {mode}"},
    "planner.hh": {"zh": "6. 入户抽样（村内抽户）", "en": "6. Household sample (households in each village)"},
    "planner.hh.modes": {
        "zh": "**哪些指标用哪种方式调查**\n\n"
              "- **服务满意度**问的是用过中医药服务的人，在抽中的村卫生室、乡镇卫生院等调查点对就诊者调查即可。\n"
              "- **中医药知识知晓率、服务内容知晓率、中医药健康文化素养**是全体常住居民的比例。"
              "在医疗机构门口拦截到的人多半用过中医药、知道得更多，不能代表全体居民，"
              "必须在抽中的村（社区）里随机抽户、每户按规则选一名符合条件的成员（入户概率抽样）。\n"
              "- **医务人员调查**在抽中的机构里调查其医务人员。\n\n"
              "**两种方式的样本量**：上面第 2 节算出的人数，对满意度是各调查点应调查的就诊者人数；"
              "对入户指标则是应完成的入户访问数（每户只访问一人，已按预计应答率放大）。"
              "下面按第 5 节抽中的村，算出每村应抽的户数。",
        "en": "**Which indicator needs which way of reaching people**\n\n"
              "- **Satisfaction** is asked of people who used a TCM service: interview users at the selected "
              "village clinics and township health centres (the sites).\n"
              "- **Knowledge, service awareness and health-culture literacy (素养)** are rates of all residents. "
              "People met at a clinic mostly use TCM and know more about it, so they do not stand for all "
              "residents: draw households at random in the selected villages and interview one eligible member "
              "chosen by rule in each (a household probability sample).\n"
              "- **The staff survey** is for the health workers of the selected institutions.\n\n"
              "**Sizes for both**: the number of section 2 is, for satisfaction, the users to interview at the sites; "
              "for the household indicators, the household interviews to complete (one person per household, already "
              "raised for the expected response rate). Below: the households to draw in each village of section 5.",
    },
    "planner.hh.draw_first": {"zh": "请先在第 5 节抽取村（社区）点位。", "en": "Draw the villages (communities) in section 5 first."},
    "planner.hh.people": {"zh": "平均每户人数", "en": "People per household"},
    "planner.hh.people_help": {
        "zh": "用于由村人口估计户数；有住户名单时，以名单户数为准（抽户命令中填写）。",
        "en": "Estimates each village's households from its population; where a household list exists its count is used "
              "instead (in the households command).",
    },
    "planner.hh.eligible": {"zh": "有符合条件成员的户所占比例", "en": "Share of households with an eligible member"},
    "planner.hh.eligible_help": {
        "zh": "例如家中有 15–69 岁常住成员的户的比例；应抽户数 = 该村访问数 ÷ 此比例（向上取整）。",
        "en": "E.g. the share of households with a resident aged 15–69; households to draw = the village's interviews ÷ "
              "this share, rounded up.",
    },
    "planner.hh.mode": {"zh": "村里有没有住户名单", "en": "Do the villages have a household list?"},
    "planner.hh.mode.list": {"zh": "有名单：按名单等距抽户", "en": "Yes: draw systematically from the list"},
    "planner.hh.mode.random_walk": {"zh": "无名单：随机行走法", "en": "No: random walk"},
    "planner.hh.result": {
        "zh": "共 {villages} 个村（社区），应抽 {households} 户。每户的入样概率 = 应抽户数 ÷ 户数；"
              "受访者的设计权重 = 1 ÷（点位入样概率 × 户入样概率）× 户内符合条件人数。",
        "en": "{villages} villages (communities), {households} households to draw. A household's probability = households "
              "to draw ÷ households; a respondent's design weight = 1 ÷ (site probability × household probability) × "
              "eligible members in the household.",
    },
    "planner.hh.command": {
        "zh": "实际抽户：下载第 5 节的抽样方案，按上表补上“户数”和“应抽户数”两列（有名单的村填名单户数），运行 "
              "python -m sampling households 抽样方案.csv --village 单位编码 --households 户数 --take-column 应抽户数 "
              "--out households.csv；得到的文件在“入户任务分派”页面上传，分派给调查员。",
        "en": "To draw the households: download the plan of section 5, add the columns households and take from the table "
              "above (a village with a list: its listed count), run python -m sampling households plan.csv --village "
              "<code column> --households households --take-column take --out households.csv, and upload the file on "
              "the Household assignments page to assign it to surveyors.",
    },
    "planner.hhcol.village": {"zh": "村（社区）编码", "en": "Village code"},
    "planner.hhcol.village_prob": {"zh": "点位入样概率", "en": "Site probability"},
    "planner.hhcol.households_listed": {"zh": "户数（名单或估计）", "en": "Households (listed or estimated)"},
    "planner.hhcol.take": {"zh": "应抽户数", "en": "Households to draw"},
    "planner.hhcol.household_prob": {"zh": "户入样概率", "en": "Household probability"},
    "planner.hhcol.household_weight": {"zh": "户权重（未乘户内人数）", "en": "Household weight (before members)"},
    "planner.hhcol.mode": {"zh": "抽户方式", "en": "How households are drawn"},
}
