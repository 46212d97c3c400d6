"""Where and when: campaigns and their sites, site files, tokens and their keys, QR codes and posters.

Modules: ``model`` (campaign, site, quota; plain immutable data), ``sites`` (reading a frame or
plan file into sites), ``keys`` (the secret that signs tokens), ``tokens`` (one signed token per
site and instrument), ``qr`` and ``posters`` (printable A4 posters, a ZIP of them). This room
imports neither collect nor storage.

The model's names are re-exported: ``from survey.campaign import Campaign, SiteSpec``.
"""

from survey.campaign.model import (  # noqa: F401
    ANSWER_KEY_RULES, DEFAULT_KEEP_MONTHS, DEFAULT_MAX_VISITS, DEFAULT_TIMEZONE, MAX_NUMBER, SHORT_ID, SITE_CODE, SITE_KINDS, SOURCES,
    Campaign, CampaignError, CampaignInstrument, CampaignSpec, CampaignStatus, QuotaProgress, Site, SiteSpec,
    UnknownCampaign, short_ids, site_problems,
)
from survey.campaign.sites import (  # noqa: F401
    COLUMN_ALIASES, KIND_ALIASES, REQUIRED_COLUMNS, SiteFileError, check_quotas, read_frame,
)
