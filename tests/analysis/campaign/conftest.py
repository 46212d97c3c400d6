from __future__ import annotations

import pytest

from survey.demo import create_demo
from survey.storage import Store


@pytest.fixture(scope="package")
def demo(tmp_path_factory):
    """A demo campaign with 400 simulated responses (read only: tests must not write to it)."""
    path = tmp_path_factory.mktemp("results") / "demo.sqlite"
    store = Store.open(f"sqlite:///{path}")
    campaign = create_demo(store, responses=400, seed=11).campaign
    yield store, campaign
    store.close()
