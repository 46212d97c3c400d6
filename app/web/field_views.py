"""What each screen of the field app shows: the surveyor's households by village, one household
(roster, selected member, visits), the one-page interview for work without signal. Pure reading of
the store's households and the campaign; the words come from ``app/strings/field.py`` and the
dispositions' own words (``survey.collect.dispositions``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app.i18n import translate
from app.web.views import asset_version, preview_sections
from survey.campaign import Campaign, CampaignInstrument
from survey.campaign.tokens import make_token
from survey.collect.dispositions import DISPOSITIONS, FINAL_GROUPS
from survey.collect.households import MAX_ROSTER, Household
from survey.collect.members import ages_words, picks, selected_member, selection_seed
from survey.questionnaire import Questionnaire, pick
from survey.questionnaire.profiles import HOUSEHOLD_AGES, find_profile

FIELD_ROLES = ("surveyor", "admin")
VISIT_CODES = ("2.24", "2.25", "2.11", "2.12", "2.32", "2.33", "4.70", "4.60", "3.18", "3.20")
BLANK_ROWS = 4


def disposition_words(code: str | None, lang: str) -> str:
    if code is None or code not in DISPOSITIONS:
        return ""
    entry = DISPOSITIONS[code]
    return entry.zh if lang == "zh" else entry.en


def finished(household: Household, max_visits: int) -> bool:
    """No more visits: the interview is stored, a final outcome was recorded, or the visits ran out."""
    if household.response_id is not None:
        return True
    code = household.disposition
    return code is not None and (DISPOSITIONS[code].group in FINAL_GROUPS or household.visits >= max_visits)


def status_words(household: Household, max_visits: int, lang: str) -> str:
    """未访问 / 已访问n次：… / 已结束：… / 已完成访问."""
    if household.response_id is not None:
        return translate("field.status.done", lang)
    if household.visits == 0 or household.disposition is None:
        return translate("field.status.new", lang)
    words = disposition_words(household.disposition, lang)
    if finished(household, max_visits):
        return translate("field.status.closed", lang, words=words)
    return translate("field.status.visited", lang, n=household.visits, words=words)


def link(path: str, lang: str, **query: Any) -> str:
    values = {**({"lang": lang} if lang != "zh" else {}), **{k: v for k, v in query.items() if v}}
    return path + ("?" + urlencode(values) if values else "")


def household_path(household: Household) -> str:
    return f"/field/h/{household.campaign_id}/{household.id}"


def interview_path(household: Household) -> str:
    return f"/field/i/{household.campaign_id}/{household.id}"


def eligible_ages(campaign: Campaign) -> tuple[int, int | None]:
    """The roster's age range: the campaign profile's ``household_ages`` (default 15 and over)."""
    profile = find_profile(campaign.profile_id)
    return profile.household_ages if profile is not None else HOUSEHOLD_AGES


def resident_instrument(campaign: Campaign) -> CampaignInstrument | None:
    """The questionnaire a household's member answers: the campaign's ``resident`` one, else its
    first instrument for residents."""
    return campaign.instrument_for("resident") or next((i for i in campaign.instruments if i.audience == "residents"), None)


def form_link(campaign: Campaign, household: Household, secret: bytes, lang: str) -> str | None:
    """The respondent form for the household's site and the resident questionnaire, in surveyor mode."""
    instrument = resident_instrument(campaign)
    if instrument is None:
        return None
    token = make_token(secret, campaign.id, household.site_code, instrument.short_id)
    query = {"t": token, "by": "surveyor", "hh": str(household.id), **({"lang": lang} if lang != "zh" else {})}
    return "/?" + urlencode(query)


@dataclass(frozen=True)
class SiteTasks:
    code: str
    name: str
    households: list[dict[str, Any]]
    done: int


def task_groups(campaign: Campaign, households: list[Household], lang: str) -> list[SiteTasks]:
    """The households of one campaign by village (site), each with its status in words."""
    out: list[SiteTasks] = []
    for site in campaign.sites:
        mine = [h for h in households if h.site_code == site.code]
        if not mine:
            continue
        rows = [{"id": h.id, "code": h.code, "address": h.address, "href": link(household_path(h), lang),
                 "status": status_words(h, campaign.max_visits, lang), "finished": finished(h, campaign.max_visits)}
                for h in mine]
        out.append(SiteTasks(site.code, site.name, rows, sum(1 for r in rows if r["finished"])))
    return out


def offline_urls(households: list[Household], lang: str) -> list[str]:
    """What a phone keeps for work without signal: the task list, each household and its interview
    page, the offline notice and the static files those pages use."""
    version = asset_version()
    urls = [link("/field/tasks", lang), "/field/offline", f"/form/static/form.css?v={version}",
            f"/form/static/field.css?v={version}",
            f"/form/static/field.js?v={version}", f"/form/static/form.js?v={version}", "/form/static/icon.svg"]
    for h in households:
        urls += [link(household_path(h), lang), link(interview_path(h), lang)]
    return urls


def household_values(campaign: Campaign, household: Household, visits: list, secret: bytes, lang: str) -> dict[str, Any]:
    """Everything the household screen shows."""
    ages = eligible_ages(campaign)
    ages_text = ages_words(ages, lang)
    roster = list(household.roster or ())
    member = selected_member(household, lang)
    rows = [{"sex": s, "age": a} for s, a in roster] + [{"sex": "", "age": ""}] * max(BLANK_ROWS, 6 - len(roster))
    rows = rows[:MAX_ROSTER + BLANK_ROWS]
    seed = selection_seed(secret, campaign.id)
    return {
        "household": household,
        "site_name": (campaign.site(household.site_code).name if campaign.site(household.site_code) else household.site_code),
        "status": status_words(household, campaign.max_visits, lang),
        "finished": finished(household, campaign.max_visits),
        "done": household.response_id is not None,
        "ages": ages_text, "min_age": ages[0], "max_age": "" if ages[1] is None else ages[1],
        "listed": household.roster is not None, "eligible": len(roster), "rows": rows,
        "invite": translate("field.hh.invite", lang, ages=ages_text, member=member) if member else "",
        "picks": json.dumps(picks(household, seed)),
        "visit_codes": [{"code": c, "label": translate(f"field.visit.{c}", lang)} for c in VISIT_CODES],
        "visits": [{"when": v.visited_at.astimezone().strftime("%m-%d %H:%M"), "words": disposition_words(v.disposition, lang),
                    "by": v.surveyor} for v in visits],
        "max_visits": campaign.max_visits, "visit_count": household.visits,
        "form_link": form_link(campaign, household, secret, lang) if household.roster else None,
        "interview_href": link(interview_path(household), lang),
        "back": link("/field/tasks", lang),
        "self": link(household_path(household), lang),
    }


def interview_values(campaign: Campaign, household: Household, questionnaire: Questionnaire, lang: str) -> dict[str, Any]:
    """The one-page interview (every section, live skip logic) kept on the phone for work without signal."""
    member = selected_member(household, lang) or "—"
    sections = preview_sections(questionnaire, lang, keys=False)
    for section in sections:  # the rules in words are for the preview, not for an interview
        section["shown_if"] = None
        for question in section["questions"]:
            question["shown_if"] = None
    return {
        "title": pick(questionnaire.title, lang),
        "flag": translate("field.interview.flag", lang, code=household.code, member=member),
        "member_known": member != "—",
        "sections": sections,
        "household": household,
        "back": link(household_path(household), lang),
        "tasks": link("/field/tasks", lang),
    }


__all__ = ["FIELD_ROLES", "VISIT_CODES", "disposition_words", "eligible_ages", "finished", "form_link", "household_values",
           "interview_values", "link", "offline_urls", "resident_instrument", "status_words", "task_groups"]
