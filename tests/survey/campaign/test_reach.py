"""Posters for an address no phone can reach: loopback, private and plain-http addresses are named
before any poster is made, with what to set (issue 22 major 5)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from survey.campaign.reach import ENV_PUBLIC_URL, problems, warning

from .test_qr_posters import ROOT, _env, campaign_in_store  # noqa: F401 (a fixture)


@pytest.mark.parametrize(("url", "found"), [
    ("http://127.0.0.1:8751", ["loopback", "http"]),
    ("https://localhost:8501", ["loopback"]),
    ("http://[::1]:8501", ["loopback", "http"]),
    ("https://0.0.0.0", ["loopback"]),
    ("https://192.168.1.20:8501", ["private"]),
    ("https://10.3.0.7", ["private"]),
    ("https://172.20.1.1", ["private"]),
    ("https://169.254.1.1", ["private"]),
    ("https://survey-server", ["private"]),
    ("https://survey.lan", ["private"]),
    ("http://survey.liunan.gov.cn", ["http"]),
    ("https://survey.liunan.gov.cn", []),
    ("https://203.0.113.9", ["private"]),  # a documentation range: reserved, never on the internet
    ("https://8.8.8.8", []),
])
def test_problems(url, found):
    assert problems(url) == found


def test_the_warning_says_what_to_set():
    text = warning("http://127.0.0.1:8751")
    assert "本机地址" in text and "不是 https" in text and ENV_PUBLIC_URL in text
    assert ENV_PUBLIC_URL in warning("http://127.0.0.1:8751", "en")
    assert warning("https://survey.liunan.gov.cn") is None


def test_the_command_refuses_an_unreachable_address_before_making_posters(tmp_path, campaign_in_store):
    store, campaign = campaign_in_store
    out = tmp_path / "posters"
    command = [sys.executable, "-m", "survey", "posters", "--db", str(store.engine.url), "--campaign", str(campaign.id),
               "--base-url", "http://127.0.0.1:8751", "--out", str(out)]
    env = {**_env(), "TCM_SURVEY_SECRET": "command-line-secret-0123456789"}
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and not out.exists()
    assert "本机地址" in refused.stderr and "--base-url" in refused.stderr and ENV_PUBLIC_URL in refused.stderr
    allowed = subprocess.run([*command, "--allow-unreachable"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert "warning:" in allowed.stderr and list(out.glob("*.pdf"))
