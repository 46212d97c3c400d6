"""Changes the admin area makes to a stored campaign beyond ``Store``'s own: a site's name and quotas.

A site's code, stratum and PSU stay as they are once posters are printed (its token names the
code; responses are analysed by its stratum), so only its name and quotas change here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa

from survey.campaign import CampaignError, SiteSpec, UnknownCampaign
from survey.storage import Store
from survey.storage.schema import sites


def update_site(store: Store, campaign_id: int, code: str, *, name: str | None = None, quotas: Mapping[str, int] | None = None) -> None:
    """Set a site's name and/or quotas (questionnaire id -> target); CampaignError when invalid."""
    campaign = store.find_campaign(campaign_id)
    if campaign is None:
        raise UnknownCampaign(campaign_id)
    site = campaign.site(code)
    if site is None:
        raise CampaignError(f"campaign {campaign_id} has no site {code!r}")
    new_quotas = dict(site.quotas if quotas is None else quotas)
    known = {i.questionnaire_id for i in campaign.instruments}
    unknown = sorted(set(new_quotas) - known)
    if unknown:
        raise CampaignError(f"site {code!r}: quotas for questionnaires not in the campaign: {unknown}")
    checked = SiteSpec(site.code, site.name if name is None else name.strip(), site.stratum, site.kind, psu=site.psu,
                       quotas=new_quotas)  # raises CampaignError naming the problem
    with store.write() as connection:
        connection.execute(
            sa.update(sites)
            .where(sites.c.campaign_id == campaign_id, sites.c.code == code)
            .values(name=checked.name, quotas=dict(checked.quotas))
        )


def zip_folder(folder: str | Path, *, pattern: str = "*") -> bytes:
    """The files of ``folder`` matching ``pattern`` as one ZIP archive (for a download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).glob(pattern)):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()
