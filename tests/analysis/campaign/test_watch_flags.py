"""The watching flags added afterwards (:func:`analysis.campaign.with_watch`, what the dashboard's
监测 view and its files use) are the flags :func:`compute_results` computes with its estimates."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from analysis.campaign import (
    Filters,
    ResultOptions,
    compute_results,
    load_campaign_data,
    with_watch,
)
from analysis.campaign.results import WATCH_COLUMNS, watch_flags


@pytest.mark.parametrize("options", [
    ResultOptions(),
    ResultOptions(level=0.90, ci="wilson"),
    ResultOptions(filters=Filters(include_surveyor=False)),
    ResultOptions(weighting="equal"),
], ids=["default", "level-90", "no-surveyor", "equal-weights"])
def test_flags_added_afterwards_equal_the_flags_computed_with_the_results(demo, options):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    full = compute_results(data, options)
    bare = compute_results(data, replace(options, watch=False))
    assert bare.watch.empty and len(full.watch)
    added = with_watch(bare, data)
    pd.testing.assert_frame_equal(added.watch, full.watch)
    assert added.options == full.options
    pd.testing.assert_frame_equal(added.estimates, bare.estimates)  # nothing else computed again


def test_flags_of_results_from_a_later_day_only(demo):
    """A date filter that leaves a questionnaire without responses: its flags are left out too."""
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    late = dt.date(2100, 1, 1)
    options = ResultOptions(filters=Filters(date_from=late), watch=False)
    bare = compute_results(data, options)
    flags = watch_flags(bare, data)
    assert list(flags.columns) == WATCH_COLUMNS and flags.empty
    pd.testing.assert_frame_equal(flags, compute_results(data, replace(options, watch=True)).watch, check_dtype=False,
                                  check_index_type=False)
