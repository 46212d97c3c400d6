"""Design-based estimation for the surveys of the grassroots TCM demonstration-county standard.

A pure library (no UI): build a :class:`SurveyDesign` once, then ask it for rates with standard
errors, design effects, confidence intervals and threshold verdicts, overall or by domain. The
numbers are those of R's survey package (Lumley) for the same design; see tests/analysis.

>>> import pandas as pd
>>> from analysis import SurveyDesign
>>> df = pd.DataFrame({"town": ["a"] * 4 + ["b"] * 4, "village": [1, 1, 2, 2, 1, 1, 2, 2],
...                    "w": [5.0] * 4 + [8.0] * 4, "satisfied": [1, 1, 0, 1, 1, 1, 1, 0]})
>>> d = SurveyDesign(df, weights="w", strata="town", psu="village", nest=True)
>>> d.proportion("satisfied", threshold=0.85)[["estimate", "df", "verdict"]]
   estimate  df    verdict
0      0.75   2  few_sites
>>> d.proportion("satisfied", threshold=0.85, min_df=1)[["estimate", "verdict", "coverage"]]
   estimate       verdict  coverage
0      0.75  inconclusive       0.9
"""

from .errors import (
    AnalysisError,
    CalibrationError,
    ColumnError,
    DataValueError,
    DesignError,
    LonelyPSUError,
    OptionError,
)

#: the other public names and their modules, imported on first use (PEP 562), so that ``python -m
#: analysis`` can choose how pandas starts before anything imports it (``analysis.arrowless``)
_LAZY = {
    "LONELY_PSU_RULES": "design", "SurveyDesign": "design", "Estimate": "estimates",
    "CI_METHODS": "intervals", "ConfidenceInterval": "intervals", "proportion_interval": "intervals",
    "outcome_rates": "response_rates", "response_rate_table": "response_rates",
    "design_variance": "variance", "Verdict": "verdict", "verdicts": "verdict",
}


def __getattr__(name: str):  # noqa: ANN202 - PEP 562
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CI_METHODS",
    "LONELY_PSU_RULES",
    "AnalysisError",
    "CalibrationError",
    "ColumnError",
    "ConfidenceInterval",
    "DataValueError",
    "DesignError",
    "Estimate",
    "LonelyPSUError",
    "OptionError",
    "SurveyDesign",
    "Verdict",
    "design_variance",
    "outcome_rates",
    "proportion_interval",
    "response_rate_table",
    "verdicts",
]
