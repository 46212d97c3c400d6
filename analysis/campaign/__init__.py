"""A campaign's results, UI-free: the dashboard, the reports and ``python -m analysis report``
all read one :class:`CampaignResults`, built in two steps.

1. :func:`load_campaign_data` (or a :class:`ResponseCache`, which then only fetches responses that
   arrived since the last look) reads the campaign, its questionnaires, its profile and the store's
   design-ready response frame (:meth:`survey.storage.Store.response_frame`).
2. :func:`compute_results` applies :class:`ResultOptions` and asks the engine for every rate.

Modules, one concept each:

==============  ==============================================================================
``data``        loading and the incremental cache (:class:`CampaignData`, :class:`ResponseCache`)
``options``     which responses count and how rates are computed (:class:`Filters`,
                :class:`ResultOptions`)
``population``  population tables for calibration (:func:`read_population`)
``weights``     the weighting policy and the campaign's survey design
``progress``    responses against quotas, per township, per day
``lqas``        LQAS classification of townships (the rule of :mod:`sampling.lqas`)
``fieldwork``   door-to-door households per village and township: assigned, visited, response rates
``next_steps``  what to do next (:class:`NextStep`), fieldwork's too (:func:`fieldwork_steps`), grouped
                (:func:`group_next_steps`)
``results``     :func:`compute_results` and :class:`CampaignResults`; :func:`with_watch` adds the
                watching flags to results computed without them
==============  ==============================================================================
"""

from .data import CampaignData, ResponseCache, background_questions, load_campaign_data, response_answers
from .fieldwork import fieldwork_table
from .next_steps import FEW_DF, NextStep, StepGroup, fieldwork_steps, group_next_steps
from .options import CI_DEFAULT, WEIGHTINGS, Filters, ResultOptions
from .population import Population, PopulationError, read_population
from .progress import progress_by_stratum
from .results import OVERALL, CampaignResults, compute_results, with_watch

__all__ = [
    "CI_DEFAULT",
    "FEW_DF",
    "OVERALL",
    "WEIGHTINGS",
    "CampaignData",
    "CampaignResults",
    "Filters",
    "NextStep",
    "Population",
    "PopulationError",
    "ResponseCache",
    "ResultOptions",
    "StepGroup",
    "background_questions",
    "compute_results",
    "fieldwork_steps",
    "fieldwork_table",
    "group_next_steps",
    "load_campaign_data",
    "progress_by_stratum",
    "read_population",
    "response_answers",
    "with_watch",
]
