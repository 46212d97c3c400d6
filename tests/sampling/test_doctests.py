"""Run the examples in the sampling docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["sampling.sample_size", "sampling.domain_sizes", "sampling.precision_sizes", "sampling.lqas", "sampling.allocation", "sampling.plan", "sampling.household",
           "sampling.households"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
