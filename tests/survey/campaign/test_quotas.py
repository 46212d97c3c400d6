"""Every instrument chosen for a campaign on the demo site list gets a quota and a poster per suitable site."""

from __future__ import annotations

import datetime as dt

from survey.campaign import CampaignSpec, SiteSpec
from survey.campaign.posters import poster_items
from survey.campaign.quotas import fit_quotas
from survey.demo import demo_sites
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store

BASE = "https://survey.liunan.example.cn"
SECRET = b"quota-test-secret-0123456789abcdef"


def audiences(shipped):
    return {q: shipped[q].audience for q in shipped}


def test_the_local_staff_quiz_and_the_literacy_survey_get_quotas_and_posters():
    shipped = shipped_questionnaires()
    chosen = [shipped["resident"], shipped["staff_policy_liunan"], shipped["literacy"]]
    fit = fit_quotas(demo_sites(), chosen, audiences(shipped))
    assert not fit.gaps
    main, branch = fit.sites[0], fit.sites[1]
    assert dict(main.quotas) == {"resident": 30, "staff_policy_liunan": 8, "literacy": 30}
    assert dict(branch.quotas) == {"resident": 15, "staff_policy_liunan": 2, "literacy": 15}
    assert fit.totals["staff_policy_liunan"] == (22, 11 * 10)
    spec = CampaignSpec("演示：本地测试", "liunan", dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    with Store.open("sqlite://") as store:
        campaign = store.create_campaign(spec, chosen, fit.sites, actor="admin")
    items = poster_items(campaign, BASE, SECRET)
    per_instrument = {q.id: sum(i.instrument.questionnaire_id == q.id for i in items) for q in chosen}
    assert per_instrument == {"resident": 22, "staff_policy_liunan": 22, "literacy": 22}


def test_quotas_of_instruments_not_chosen_are_dropped():
    shipped = shipped_questionnaires()
    fit = fit_quotas(demo_sites(), [shipped["staff_policy_liunan"]], audiences(shipped))
    assert {frozenset(s.quotas) for s in fit.sites} == {frozenset({"staff_policy_liunan"})}


def test_a_staff_quiz_on_door_to_door_sites_is_named_as_a_gap():
    shipped = shipped_questionnaires()
    sites = [SiteSpec("01", "太阳村", "太阳村镇", "household", quotas={"literacy": 20})]
    fit = fit_quotas(sites, [shipped["literacy"], shipped["staff_policy"]], audiences(shipped))
    assert [(g.questionnaire_id, g.reason) for g in fit.gaps] == [("staff_policy", "no_suitable_site")]
    assert dict(fit.sites[0].quotas) == {"literacy": 20}


def test_a_file_without_a_staff_quota_is_named_and_sites_without_quotas_are_kept():
    shipped = shipped_questionnaires()
    clinic = SiteSpec("01", "太阳村镇卫生院", "太阳村镇", "township_centre", quotas={"resident": 30})
    fit = fit_quotas([clinic], [shipped["resident"], shipped["staff_policy"]], audiences(shipped))
    assert [(g.questionnaire_id, g.reason) for g in fit.gaps] == [("staff_policy", "no_declared_quota")]
    open_site = SiteSpec("02", "洛满镇卫生院", "洛满镇", "township_centre")
    fit = fit_quotas([open_site], [shipped["resident"], shipped["staff_policy"]], audiences(shipped))
    assert not fit.gaps and fit.sites == (open_site,)  # no quotas: every instrument's poster is printed
