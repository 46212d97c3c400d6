"""sampling.validation: the parameter checks (one argument order for check_level)."""

from __future__ import annotations

import inspect

import pytest

from analysis.errors import OptionError
from analysis.intervals import check_level as analysis_check_level
from sampling.errors import InputError
from sampling.validation import check_level


def test_check_level_takes_the_value_first_like_analysis():
    assert check_level(0.9) == 0.9
    assert check_level("0.95", "conf") == 0.95
    with pytest.raises(InputError) as caught:
        check_level(1.0, "conf")
    assert caught.value.param == "conf"
    with pytest.raises(OptionError):
        analysis_check_level(1.0, "conf")
    ours = list(inspect.signature(check_level).parameters)
    theirs = list(inspect.signature(analysis_check_level).parameters)
    assert ours == theirs == ["level", "param"]
