"""What the complaints page shows, built from ``Store.complaints``: the counts, the table in words,
the choices of the handling form. The page only wires widgets to these and to
``Store.set_complaint_status``. Reply numbers are shown to administrators only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from analysis.formatting import local_stamp
from survey.storage.complaints import Complaint

Translate = Callable[..., str]
SHOW = ("open", "handled", "all")
SNIPPET = 30


def counts(items: Sequence[Complaint]) -> dict[str, int]:
    """How many there are, how many are open, how many left a reply number."""
    return {"all": len(items), "open": sum(1 for c in items if c.status == "open"),
            "phone": sum(1 for c in items if c.phone)}


def shown(items: Sequence[Complaint], show: str) -> list[Complaint]:
    """The complaints with status ``show`` (``all``: every one)."""
    return list(items) if show == "all" else [c for c in items if c.status == show]


def table(items: Sequence[Complaint], t: Translate, *, timezone: str, phones: bool) -> pd.DataFrame:
    """One row per complaint, columns in words; the reply number itself only with ``phones`` (admins)."""
    def phone(c: Complaint) -> str:
        if not c.phone:
            return t("complaints.phone.none")
        return c.phone if phones else t("complaints.phone.yes")

    return pd.DataFrame({
        t("complaints.col.id"): [c.response_id for c in items],
        t("complaints.col.text"): [c.text for c in items],
        t("complaints.col.status"): [t(f"complaints.status.{c.status}") for c in items],
        t("complaints.col.date"): [local_stamp(c.submitted_at, timezone, "%Y-%m-%d") for c in items],
        t("complaints.col.site"): [f"{c.site_code} · {c.site_name}" for c in items],
        t("complaints.col.phone"): [phone(c) for c in items],
        t("complaints.col.handled_by"): [c.handled_by or "" for c in items],
        t("complaints.col.handled_at"): [local_stamp(c.handled_at, timezone, "%Y-%m-%d %H:%M") or "" for c in items],
        t("complaints.col.note"): [c.note for c in items],
    })


def details(c: Complaint, t: Translate, *, timezone: str, phones: bool) -> str:
    """The picked complaint in full, for the handling form: date, site, reply number (admins), status."""
    parts = [local_stamp(c.submitted_at, timezone, "%Y-%m-%d %H:%M") or "", f"{c.site_code} · {c.site_name}",
             t(f"complaints.status.{c.status}")]
    if c.phone:
        parts.append(f"{t('complaints.col.phone')}：{c.phone if phones else t('complaints.phone.yes')}")
    if c.handled_by:
        parts.append(f"{t('complaints.col.handled_by')}：{c.handled_by}")
    return " · ".join(p for p in parts if p)


def choice_label(c: Complaint, t: Translate) -> str:
    """How a complaint reads in the handling form's select box: id, status and the text's start."""
    text = c.text.replace("\n", " ")
    text = text if len(text) <= SNIPPET else text[:SNIPPET] + "…"
    return f"{c.response_id} · {t(f'complaints.status.{c.status}')} · {text}"


__all__ = ["SHOW", "choice_label", "counts", "details", "shown", "table"]
