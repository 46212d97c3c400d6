"""A writer killed with SIGKILL mid-burst: every acknowledged write is there, no partial row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from survey.storage import Store

from .helpers import GOOD_ANSWERS

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_burst_loses_no_acknowledged_write(db_url: str, store: Store, campaign) -> None:
    acknowledged: dict[str, int] = {}
    for round_number in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.survey.storage.kill_writer", db_url, str(campaign.id), f"kill{round_number}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        target = 15 + 10 * round_number
        while len([n for n in acknowledged if n.startswith(f"kill{round_number}-")]) < target:
            line = writer.stdout.readline()
            assert line.startswith("ack "), line
            _, nonce, response_id = line.split()
            acknowledged[nonce] = int(response_id)
        writer.send_signal(signal.SIGKILL)  # most likely inside its next transaction
        writer.wait(timeout=30)
        for line in writer.stdout:  # acks printed between our last read and the kill count too
            if line.startswith("ack "):
                _, nonce, response_id = line.split()
                acknowledged[nonce] = int(response_id)
        assert writer.returncode == -signal.SIGKILL

    stored = {r.nonce: r for r in store.responses(campaign.id)}
    missing = [n for n in acknowledged if n not in stored]
    assert not missing
    assert all(stored[n].id == i for n, i in acknowledged.items())
    # at most one unacknowledged but committed row per kill (committed, then killed before printing)
    assert len(stored) - len(acknowledged) <= 3
    for response in stored.values():
        assert response.answers == GOOD_ANSWERS and response.scores == {"satisfaction": 1, "knowledge": 1}
    if store.dialect == "sqlite":
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
