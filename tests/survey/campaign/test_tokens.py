"""Site tokens and the signing secret: every reason a token is refused, and where the secret lives."""

from __future__ import annotations

import datetime as dt
import os
import stat
import threading

import pytest

from survey.campaign import Campaign, CampaignInstrument, Site
from survey.campaign.keys import SecretError, load_secret
from survey.campaign.qr import qr_version
from survey.campaign.tokens import REASONS, check_token, make_token, parse_token, signature_valid, token_url

SECRET = b"0123456789abcdef0123456789abcdef"
TODAY = dt.date(2026, 5, 20)
NOW = dt.datetime(2026, 5, 20, 4, 0, tzinfo=dt.timezone.utc)  # 12:00 in Beijing


def campaign(campaign_id: int = 12, **changes) -> Campaign:
    values = dict(
        id=campaign_id,
        name="柳南区调查",
        profile_id="liunan",
        opens_on=dt.date(2026, 5, 1),
        closes_on=dt.date(2026, 6, 30),
        instruments=(
            CampaignInstrument("r", "resident", "a" * 64),
            CampaignInstrument("s", "staff_policy", "b" * 64),
        ),
        sites=tuple(
            Site(code=code, name=f"点{code}", stratum="太阳村镇", kind="village_clinic", id=i, campaign_id=campaign_id)
            for i, code in enumerate(["01", "02", "A-17"], start=1)
        ),
    )
    values.update(changes)
    return Campaign(**values)


def finder(*campaigns: Campaign):
    by_id = {c.id: c for c in campaigns}
    return by_id.get


def test_token_shape_and_round_trip() -> None:
    token = make_token(SECRET, 12, "07", "r")
    campaign_part, site, instrument, mac = token.split(".")
    assert (campaign_part, site, instrument, len(mac)) == ("12", "07", "r", 11)
    assert len(token) <= 22
    assert parse_token(token)[0].site_code == "07"
    assert signature_valid(SECRET, token)
    assert not signature_valid(b"another secret of enough length", token)
    assert make_token(SECRET, 12, "07", "r") == token  # deterministic: reprinting gives the same QR


def test_url_stays_a_coarse_qr() -> None:
    base = "https://survey.liunan.example.cn"  # 32 characters
    url = token_url(base, make_token(SECRET, 123, "A017", "s2"))
    assert qr_version(url, error="M") <= 4


def test_valid_token() -> None:
    c = campaign()
    result = check_token(make_token(SECRET, 12, "02", "s"), SECRET, finder(c), now=NOW)
    assert result.ok and result.payload.site_code == "02" and result.campaign is c
    assert result.message("zh") == "链接有效。"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("hello", "malformed"),
        ("12.02.s", "malformed"),
        ("12.02.s.abc", "malformed"),
        ("12.02.S.AAAAAAAAAAA", "malformed"),
        ("12.02.s.AAAAAAAAAAA", "forged"),
        ("99.02.s.AAAAAAAAAAA", "forged"),
    ],
)
def test_bad_tokens(token, reason) -> None:
    assert check_token(token, SECRET, finder(campaign()), now=NOW).reason == reason


def test_altered_token() -> None:
    genuine = make_token(SECRET, 12, "01", "r")
    mac = genuine.rsplit(".", 1)[1]
    for edited in (f"12.02.r.{mac}", f"12.01.s.{mac}", f"12.A-17.s.{mac}"):
        assert check_token(edited, SECRET, finder(campaign()), now=NOW).reason == "altered"
    flipped = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert check_token(flipped, SECRET, finder(campaign()), now=NOW).reason == "forged"


def test_token_signed_with_another_secret_is_forged() -> None:
    token = make_token(b"not the server's secret at all!!", 12, "01", "r")
    assert check_token(token, SECRET, finder(campaign()), now=NOW).reason == "forged"


def test_unknown_campaign_site_instrument_and_other_campaign() -> None:
    c = campaign()
    assert check_token(make_token(SECRET, 13, "01", "r"), SECRET, finder(c), now=NOW).reason == "unknown_campaign"
    assert check_token(make_token(SECRET, 12, "99", "r"), SECRET, finder(c), now=NOW).reason == "unknown_site"
    assert check_token(make_token(SECRET, 12, "01", "x"), SECRET, finder(c), now=NOW).reason == "unknown_instrument"
    other = campaign(13)
    result = check_token(make_token(SECRET, 13, "01", "r"), SECRET, finder(c, other), expected_campaign=12, now=NOW)
    assert result.reason == "other_campaign"


def test_campaign_dates_in_beijing_time() -> None:
    c = campaign()
    token = make_token(SECRET, 12, "01", "r")
    # 2026-04-30 23:30 Beijing = 15:30 UTC: not yet open; 00:30 on 1 May: open
    before = dt.datetime(2026, 4, 30, 15, 30, tzinfo=dt.timezone.utc)
    assert check_token(token, SECRET, finder(c), now=before).reason == "not_yet_open"
    assert check_token(token, SECRET, finder(c), now=before + dt.timedelta(hours=1)).ok
    # 2026-06-30 23:30 Beijing still open; 2026-07-01 00:30 closed
    last = dt.datetime(2026, 6, 30, 15, 30, tzinfo=dt.timezone.utc)
    assert check_token(token, SECRET, finder(c), now=last).ok
    closed = check_token(token, SECRET, finder(c), now=last + dt.timedelta(hours=1))
    assert closed.reason == "closed"
    assert "2026-06-30" in closed.message("zh") and "已经结束" in closed.message("zh")
    assert "closed on 2026-06-30" in closed.message("en")
    early = campaign(closed_at=NOW - dt.timedelta(hours=1))
    assert check_token(token, SECRET, finder(early), now=NOW).reason == "closed"


def test_every_reason_has_chinese_and_english() -> None:
    for code, (zh, en) in REASONS.items():
        assert zh and en and zh != en, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), code


def test_make_token_refuses_bad_parts() -> None:
    for args in [(0, "01", "r"), (12, "0.1", "r"), (12, "01", "R"), (12, "", "r"), (12, "01", "abcde")]:
        with pytest.raises(ValueError):
            make_token(SECRET, *args)


# ---------------------------------------------------------------------------------- secret


def test_secret_from_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TCM_SURVEY_SECRET", "a-long-enough-secret-value")
    assert load_secret(tmp_path / "never.key") == b"a-long-enough-secret-value"
    assert not (tmp_path / "never.key").exists()
    monkeypatch.setenv("TCM_SURVEY_SECRET", "short")
    with pytest.raises(SecretError, match="shorter than 16"):
        load_secret()


def test_secret_file_made_once_owner_only(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("TCM_SURVEY_SECRET", raising=False)
    path = tmp_path / "data" / "secret.key"
    first = load_secret(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(path) == first
    monkeypatch.setenv("TCM_SURVEY_SECRET_FILE", str(path))
    assert load_secret() == first


def test_concurrent_first_use_agrees_on_one_secret(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("TCM_SURVEY_SECRET", raising=False)
    path = tmp_path / "secret.key"
    results = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append(load_secret(path))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert sorted(os.listdir(tmp_path)) == ["secret.key"]


def test_secret_file_readable_by_others_is_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("TCM_SURVEY_SECRET", raising=False)
    path = tmp_path / "secret.key"
    path.write_text("x" * 40)
    path.chmod(0o644)
    with pytest.raises(SecretError, match="chmod 600"):
        load_secret(path)
    with pytest.raises(SecretError, match="no secret"):
        load_secret(tmp_path / "missing.key", create=False)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TOKEN_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."


@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0, max_value=40), replacement=st.sampled_from(TOKEN_ALPHABET))
def test_no_single_character_edit_is_accepted(position, replacement) -> None:
    c = campaign()
    genuine = make_token(SECRET, 12, "A-17", "s")
    position %= len(genuine)
    edited = genuine[:position] + replacement + genuine[position + 1:]
    result = check_token(edited, SECRET, finder(c), now=NOW)
    assert result.ok == (edited == genuine)
    if edited != genuine:
        assert result.reason in ("malformed", "forged", "altered", "unknown_campaign")
