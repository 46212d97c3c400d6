"""A stored instrument's canonical JSON loads back to the very same instrument (same hash).

The app rebuilds the instrument of a site token from the database (``Store.questionnaire``),
in another process than the one that created the campaign.
"""

from __future__ import annotations

import pytest

from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.loader import parse_questionnaire
from survey.storage import Store


@pytest.mark.parametrize("questionnaire_id", sorted(shipped_questionnaires()))
def test_shipped_instrument_loads_back_from_its_canonical_json(questionnaire_id):
    questionnaire = shipped_questionnaires()[questionnaire_id]
    rebuilt, problems = parse_questionnaire(questionnaire.to_dict(), source="<canonical>")
    assert problems == []
    assert rebuilt.version_hash == questionnaire.version_hash


def test_another_store_rebuilds_the_stored_instrument(tmp_path):
    from survey.campaign import CampaignSpec, SiteSpec
    import datetime as dt

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    questionnaires = list(shipped_questionnaires().values())
    with Store.open(url) as store:
        today = dt.date.today()
        for profile in sorted({q.jurisdiction or "default" for q in questionnaires}):  # keyed quizzes need their profile
            chosen = [q for q in questionnaires if (q.jurisdiction or "default") == profile]
            store.create_campaign(CampaignSpec("c", profile, today, today), chosen, [SiteSpec("01", "s", "t", "village_clinic")], actor="test")
    with Store.open(url) as other:
        for questionnaire in questionnaires:
            assert other.questionnaire(questionnaire.version_hash).version_hash == questionnaire.version_hash
