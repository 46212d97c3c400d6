"""Issue 14, item 12 (page part): no visitor sees a traceback or a server path; the exception is
logged with an incident id that the page shows."""

from __future__ import annotations

import logging
import re
import tomllib

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT


def test_streamlit_shows_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_an_unexpected_error_shows_an_incident_id_and_logs_it(app_store, monkeypatch, caplog):
    import survey.questionnaire.catalog

    def broken():  # noqa: ANN202
        raise RuntimeError("cannot read /srv/secret/questionnaires/resident.yaml")

    monkeypatch.setattr(survey.questionnaire.catalog, "shipped_questionnaires", broken)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    with caplog.at_level(logging.ERROR, logger="tcm_survey.incidents"):
        at.run()
    assert not at.exception
    shown = " ".join(str(e.value) for kind in ("error", "markdown", "caption", "title", "info") for e in getattr(at, kind))
    assert "/srv/secret" not in shown and "Traceback" not in shown
    incident = re.search(r"错误编号 ([0-9A-F]{8})", shown)
    assert incident, shown
    assert f"incident {incident.group(1)}" in caplog.text and "/srv/secret/questionnaires" in caplog.text
