"""Storing an import of many responses (``survey.collect.imports``): one transaction, rows inserted
in chunks (``executemany``), and its ``import.batch`` audit row in the same transaction, so a
failure leaves nothing half-written. Answers and scores arrive checked and computed (by the
import's preview); nonces already stored, or repeated within the batch, are counted, not written.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey.collect.submission import ImportRow
from survey.storage import audit
from survey.storage.audit import AuditError
from survey.storage.responses import (
    PARADATA_COLUMNS,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    SubmitError,
    check_submission,
    stored_nonces,
)
from survey.storage.schema import campaign_instruments, campaigns, responses, sites

__all__ = ["CHUNK_ROWS", "ImportRow", "Importing", "insert_import", "new_receipts"]

CHUNK_ROWS = 2_000  # rows per executemany


def new_receipts(n: int) -> list[str]:
    """``n`` random receipt codes as :func:`survey.storage.responses.new_receipt` makes them
    (``XXXX-XXXXXX`` of :data:`RECEIPT_ALPHABET`, uniform), drawn from one ``secrets`` buffer."""
    need = n * RECEIPT_LENGTH
    limit = 256 - 256 % len(RECEIPT_ALPHABET)  # bytes at or over it are dropped: no letter more likely
    picked = np.empty(0, dtype=np.uint8)
    while len(picked) < need:
        more = np.frombuffer(secrets.token_bytes(need - len(picked) + need // 8 + 16), dtype=np.uint8)
        picked = np.concatenate([picked, more[more < limit]])
    letters = np.frombuffer(RECEIPT_ALPHABET.encode(), dtype=np.uint8)[picked[:need] % len(RECEIPT_ALPHABET)]
    text = letters.tobytes().decode()
    return [f"{text[i:i + 4]}-{text[i + 4:i + RECEIPT_LENGTH]}" for i in range(0, need, RECEIPT_LENGTH)]


def _statement(dialect_name: str) -> sa.Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(responses).on_conflict_do_nothing(index_elements=["campaign_id", "nonce"])


def insert_import(connection: Connection, *, campaign_id: int, version_hash: str, rows: Sequence[ImportRow], actor: str,
                  batch: Mapping[str, Any], progress: Callable[[float, str], None] | None = None) -> tuple[int, int]:
    """Insert the rows inside the caller's transaction, then the audit row; (stored, repeats).

    Raises SubmitError (``unknown_campaign``, ``unknown_instrument``, ``unknown_site`` naming the
    row's position and nonce) before anything is written.
    """
    from survey.storage.submit import as_json

    if connection.execute(sa.select(campaigns.c.id).where(campaigns.c.id == campaign_id)).first() is None:
        raise SubmitError("unknown_campaign", f"no campaign with id {campaign_id!r}")
    if connection.execute(sa.select(campaign_instruments.c.short_id).where(
            campaign_instruments.c.campaign_id == campaign_id, campaign_instruments.c.version_hash == version_hash)).first() is None:
        raise SubmitError("unknown_instrument", f"instrument version {version_hash[:12]} is not part of campaign {campaign_id}")
    site_ids = dict(connection.execute(sa.select(sites.c.code, sites.c.id).where(sites.c.campaign_id == campaign_id)).all())
    for position, row in enumerate(rows, start=1):
        if row.site_code not in site_ids:
            raise SubmitError("unknown_site", f"submission {position} (nonce {row.nonce}): campaign {campaign_id} has no site "
                                              f"{row.site_code!r}")
    seen = stored_nonces(connection, campaign_id, [r.nonce for r in rows])
    fresh: list[ImportRow] = []
    for row in rows:
        if row.nonce not in seen:
            seen.add(row.nonce)
            fresh.append(row)
    now = dt.datetime.now(dt.UTC)
    receipts = new_receipts(len(fresh))
    statement = _statement(connection.dialect.name)
    for start in range(0, len(fresh), CHUNK_ROWS):
        chunk = fresh[start:start + CHUNK_ROWS]
        connection.execute(statement, [
            {"campaign_id": campaign_id, "site_id": site_ids[r.site_code], "version_hash": version_hash, "nonce": r.nonce,
             "source": "import", "answers": r.answers, "scores": r.scores, "language": None,
             "submitted_at": r.submitted_at or now, "simulated": False, "receipt": receipt, "household_id": None,
             **{k: (r.paradata or {}).get(k) for k in PARADATA_COLUMNS}}
            for r, receipt in zip(chunk, receipts[start:start + CHUNK_ROWS])
        ])
        if progress is not None:
            progress(min(1.0, (start + len(chunk)) / len(fresh)), "saving")
    stored, repeats = len(fresh), len(rows) - len(fresh)
    audit.append(connection, actor=actor, action="import.batch", campaign_id=campaign_id,
                 detail=as_json({**batch, "stored": stored, "repeats": repeats}))
    return stored, repeats


class Importing:
    """``Store.import_responses`` (mixed into :class:`survey.storage.Store`, which provides ``write()``)."""

    def import_responses(self, campaign_id: int, version_hash: str, rows: Sequence[ImportRow], *, actor: str,
                         batch: Mapping[str, Any], progress: Callable[[float, str], None] | None = None) -> tuple[int, int]:
        """Store an import's checked rows in one transaction (all or nothing) with its ``import.batch``
        audit row (``batch``: file, sha256, rows, accepted, refused, ...; ``stored`` and ``repeats`` are
        added); return (stored, repeats). ``progress(fraction, "saving")`` after each chunk.

        Raises AuditError without ``actor``; SubmitError for a bad nonce, a naive time or an unknown
        site (naming the row's position); StorageError when the database fails (nothing written).
        """
        if not actor:
            raise AuditError("an import needs the account that imports it (actor=)")
        for position, row in enumerate(rows, start=1):
            try:
                check_submission(row.nonce, "import")
            except SubmitError as exc:
                raise SubmitError(exc.reason, f"submission {position}: {exc}") from None
            if row.submitted_at is not None and row.submitted_at.tzinfo is None:
                raise ValueError(f"submission {position}: submitted_at must be timezone-aware")
        with self.write() as connection:
            return insert_import(connection, campaign_id=campaign_id, version_hash=version_hash, rows=rows, actor=actor,
                                 batch=batch, progress=progress)
