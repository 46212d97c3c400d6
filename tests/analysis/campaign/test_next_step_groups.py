"""Next steps grouped: one line per kind (and questionnaire, and indicator for more responses)
instead of many near-identical lines."""

from __future__ import annotations

from analysis.campaign import (
    NextStep,
    StepGroup,
    compute_results,
    group_next_steps,
    load_campaign_data,
)
from survey.demo import create_demo
from survey.storage import Store


def step(kind: str, qid: str = "resident", stratum: str | None = "甲乡", indicator: str | None = None, count: int = 5,
         priority: int = 0, close: bool = False, site: str = "01A") -> NextStep:
    return NextStep(kind, qid, stratum, site, site, indicator, count, priority, close_call=close)


def test_same_kind_steps_merge_and_keep_their_order():
    steps = [step("no_responses", site="01A"), step("no_responses", qid="staff", site="01A"),
             step("no_responses", site="02B", stratum="乙镇"),
             step("more_responses", stratum=None, indicator="knowledge", count=120, priority=1),
             step("more_responses", indicator="knowledge", count=40, priority=2),
             step("more_responses", indicator="knowledge", count=900, priority=2, close=True),
             step("more_responses", indicator="satisfaction", count=30, priority=2),
             *[step("few_sites", stratum=f"乡{i}", priority=2) for i in range(9)],
             step("behind_quota", priority=3), step("behind_quota", priority=3, site="02B")]
    groups = group_next_steps(steps)
    assert all(isinstance(g, StepGroup) for g in groups)
    assert sum(g.size for g in groups) == len(steps)  # nothing lost, nothing doubled
    kinds = [(g.kind, g.questionnaire_id, g.indicator, g.close_call, g.size) for g in groups]
    assert kinds == [
        ("no_responses", "resident", None, False, 2),
        ("no_responses", "staff", None, False, 1),
        ("more_responses", "resident", "knowledge", False, 2),
        ("more_responses", "resident", "knowledge", True, 1),
        ("more_responses", "resident", "satisfaction", False, 1),
        ("few_sites", "resident", None, False, 9),
        ("behind_quota", "resident", None, False, 2),
    ]
    assert [s.site_code for s in groups[0].steps] == ["01A", "02B"]
    assert groups[2].priority == 1 and groups[2].steps[0].stratum is None  # the county first, as it came
    assert groups[1].single and not groups[0].single


def test_fieldwork_steps_group_by_kind_and_nothing_gives_nothing():
    assert group_next_steps([]) == []
    low = [NextStep("low_contact", "", "甲乡", f"V{i}", f"村{i}", None, 8, 1, rate=0.5) for i in range(3)]
    refusal = NextStep("high_refusal", "", "甲乡", "V9", "村9", None, 8, 1, rate=0.4)
    groups = group_next_steps([*low, refusal])
    assert [(g.kind, g.size) for g in groups] == [("low_contact", 3), ("high_refusal", 1)]


def test_the_demo_campaigns_steps_fold_into_fewer_lines():
    with Store.open() as store:
        campaign = create_demo(store, responses=120, seed=3).campaign
        results = compute_results(load_campaign_data(store, campaign.id))
    steps = results.next_steps
    groups = group_next_steps(steps)
    assert len(groups) < len(steps)
    assert sorted(id(s) for g in groups for s in g.steps) == sorted(id(s) for s in steps)
    assert [g.priority for g in groups] == sorted(g.priority for g in groups)


def test_the_reports_next_steps_are_the_groups():
    """The Word/PDF section 五、下一步工作建议: one bullet per group, every site still named."""
    from analysis.report import collect
    from analysis.report.blocks import Bullets, Heading
    from analysis.report.document import build_document

    with Store.open() as store:
        campaign = create_demo(store, responses=120, seed=3).campaign
        report = collect(store, campaign.id, quality=False)
    document = build_document(report, with_appendix=False, with_plots=False)
    blocks = list(document.blocks)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == "五、下一步工作建议")
    bullets = blocks[at + 1]
    assert isinstance(bullets, Bullets)
    groups = group_next_steps(report.results.next_steps)
    assert len(bullets.items) == len(groups) < len(report.results.next_steps)
    text = "\n".join(bullets.items)
    for step in report.results.next_steps:
        if step.kind in ("no_responses", "behind_quota"):
            assert f"{step.site_name}（{step.site_code}）" in text
    many = next(g for g in groups if not g.single)
    assert f"以下 {many.size} " in text


def test_townships_alike_are_named_once_with_their_numbers_once():
    from analysis.report import collect
    from analysis.report.document import next_step_group_zh

    with Store.open() as store:
        campaign = create_demo(store, responses=60, seed=3).campaign
        results = collect(store, campaign.id, quality=False).results
    alike = tuple(NextStep("few_sites", "resident", f"乡{i}", None, None, "knowledge", 2, 2, sites_to_add=2) for i in range(3))
    line = next_step_group_zh(results, StepGroup("few_sites", "resident", alike))
    assert "以下 3 个乡镇（街道）" in line and "乡0、乡1、乡2（各只有 2 个调查点，各需再增 2 个）" in line
    mixed = (*alike[:2], NextStep("few_sites", "resident", "乡9", None, None, "knowledge", 1, 2, sites_to_add=3))
    line = next_step_group_zh(results, StepGroup("few_sites", "resident", mixed))
    assert "乡0（2 个点，需再增 2 个）" in line and "乡9（1 个点，需再增 3 个）" in line
