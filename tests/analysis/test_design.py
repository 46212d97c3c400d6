"""``SurveyDesign``: the public way weighting makes a new design (``reweighted``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign
from analysis.design_arrays import Calibration
from analysis.errors import DesignError


def _design() -> SurveyDesign:
    df = pd.DataFrame({"town": list("aabbcc"), "village": [1, 2, 1, 2, 1, 2], "w": [1.0, 2, 3, 4, 5, 6],
                       "y": [1, 0, 1, 1, 0, 1]})
    return SurveyDesign(df, weights="w", strata="town", psu="village", nest=True)


def test_reweighted_keeps_the_design_and_takes_the_new_weights():
    design = _design()
    new = design.reweighted(np.full(6, 3.0))
    assert new is not design and new.columns == design.columns and new.stages is design.stages
    assert new.weights.tolist() == [3.0] * 6 and not new.weights.flags.writeable
    assert design.weights.tolist() == [1, 2, 3, 4, 5, 6]  # the original is untouched
    assert new.calibrations == () and new.df == design.df
    with pytest.raises(AttributeError):
        new._w = np.ones(6)  # still immutable


def test_reweighted_records_a_calibration_step():
    design = _design()
    step = Calibration("nonresponse", ("town",), (), 1)
    new = design.reweighted(design.weights * 2, calibration=step)
    assert new.calibrations == (step,) and design.calibrations == ()
    assert float(new.proportion("y")["estimate"].iloc[0]) == pytest.approx(
        float(design.proportion("y")["estimate"].iloc[0]), rel=1e-14)


def test_reweighted_refuses_weights_of_another_length():
    with pytest.raises(DesignError, match="shape"):
        _design().reweighted(np.ones(5))
