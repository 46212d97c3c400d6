"""``Store``: the one object the app, the command line and the benchmarks use to reach the database.

>>> store = Store.open("sqlite://")            # in memory; default: TCM_SURVEY_DB or data/
>>> store.schema_version
10

Every write is one transaction: a campaign with its instruments and sites, a batch of sites, a
response, a review decision with its audit-log row. Anything that fails inside rolls the whole
transaction back, so nothing half-written stays. Answers (once) and paradata are validated and
scores computed before the transaction opens.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from survey.campaign import Campaign, CampaignError, CampaignSpec, Site, SiteSpec, UnknownCampaign
from survey.storage import repositories as repo
from survey.storage.engine import StorageError, check_connection, create_engine, database_errors, safe_url
from survey.storage.migrations import migrate, schema_version
from survey.storage import reviews as review_repo
from survey.storage.responses import (
    StoredResponse,
    SubmitError,
    SubmitResult,
    count_responses,
    nonces_by_id,
    paper_number_nonce,
    select_responses,
    stored_nonces,
    stored_receipt,
)
from survey.storage import audit
from survey.storage.audit import AuditEntry
from survey.storage.reviews import Review
from survey.storage.complaints import Complaints
from survey.storage.account_store import AccountStore
from survey.storage.fieldwork import Fieldwork
from survey.storage.imports import Importing
from survey.storage.submit import GroupCommit, Submitting, as_json

if TYPE_CHECKING:
    import pandas

    from survey.questionnaire import Questionnaire
    from survey.campaign.tokens import TokenCheck


PROFILE_RECHECK_SECONDS = 1.0  # a profile file changed on disk counts for new submits within a second


class Store(Submitting, Importing, Fieldwork, Complaints, AccountStore):
    """Campaigns, sites, instrument texts and responses in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, *, secret: bytes | None = None) -> None:
        self.engine = engine
        self._secret = secret  # keys the device hashes of paradata; None: survey.campaign.keys.load_secret() when needed
        self._questionnaires: dict[str, Questionnaire] = {}
        self._profile_ids: dict[int, str] = {}  # campaign id -> its (immutable) profile id
        self._profiles_seen: dict[int, tuple[float, Any]] = {}  # campaign id -> (monotonic s when looked up, profile)
        self._lock = threading.Lock()
        # SQLite has one writer at a time and its busy handler polls with growing sleeps, which
        # starves some of many waiting threads; queue this process's writers on a lock instead,
        # and let concurrent submits share one transaction and one fsync (submit.GroupCommit).
        self._write_lock: threading.Lock | None = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._group_commit = GroupCommit(engine, self._write_lock) if self._write_lock is not None else None

    @classmethod
    def open(
        cls, url: str | None = None, *, upgrade: bool = True, secret: bytes | None = None, **engine_options: Any
    ) -> Store:
        """Connect (URL, else ``TCM_SURVEY_DB``, else SQLite under ``data/``) and upgrade the schema.

        ``secret`` keys the device hashes of paradata (default: the app's secret,
        ``survey.campaign.keys.load_secret``, read when a response first carries a device id).
        Raises StorageError naming the URL (password hidden) when the database cannot be reached.
        """
        engine = create_engine(url, **engine_options)
        try:
            check_connection(engine)
            if upgrade:
                migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, secret=secret)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return safe_url(self.engine.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def schema_version(self) -> int:
        return schema_version(self.engine)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite): commit on success, else roll back.
        A database error leaves as a StorageError (its cause the driver's error)."""
        with database_errors(self.url):
            if self._write_lock is not None:
                with self._write_lock, self.engine.connect() as connection:
                    connection = connection.execution_options(sqlite_begin="IMMEDIATE")
                    with connection.begin():
                        yield connection
                return
            with self.engine.connect() as connection:
                connection = connection.execution_options(sqlite_begin="IMMEDIATE")
                with connection.begin():
                    yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction; a database error leaves as a StorageError."""
        with database_errors(self.url), self.engine.connect() as connection, connection.begin():
            yield connection

    # --------------------------------------------------------------------------- instruments

    def register_instrument(self, questionnaire: Questionnaire) -> str:
        with self.write() as connection:
            return repo.register_instrument(connection, questionnaire)

    def instrument_document(self, version_hash: str) -> dict[str, Any] | None:
        """The canonical JSON of the exact instrument text a response was given with."""
        with self.read() as connection:
            return repo.instrument_document(connection, version_hash)

    def questionnaire(self, version_hash: str) -> Questionnaire:
        """The stored instrument version rebuilt as a Questionnaire (cached; hash checked)."""
        cached = self._questionnaires.get(version_hash)
        if cached is not None:
            return cached
        document = self.instrument_document(version_hash)
        if document is None:
            raise StorageError(f"no instrument with version hash {version_hash}")
        from survey.questionnaire.loader import parse_questionnaire

        questionnaire, problems = parse_questionnaire(document, source=f"<stored {version_hash[:12]}>")
        if problems or questionnaire is None:
            raise StorageError(f"stored instrument {version_hash[:12]} cannot be read: " + "; ".join(map(str, problems)))
        if questionnaire.version_hash != version_hash:
            raise StorageError(f"stored instrument {version_hash[:12]} rebuilds with another hash {questionnaire.version_hash[:12]}")
        with self._lock:
            self._questionnaires[version_hash] = questionnaire
        return questionnaire

    # ----------------------------------------------------------------------------- campaigns

    def create_campaign(
        self, spec: CampaignSpec, questionnaires: Sequence[Questionnaire], sites: Sequence[SiteSpec] = (), *, actor: str
    ) -> Campaign:
        """Create a campaign with its instruments and sites in one transaction (audit: ``campaign.created``)."""
        with self.write() as connection:
            campaign_id = repo.insert_campaign(connection, spec, questionnaires, sites)
            audit.append(connection, actor=actor, action="campaign.created", campaign_id=campaign_id, detail={
                "name": spec.name, "profile_id": spec.profile_id, "opens_on": spec.opens_on.isoformat(),
                "closes_on": spec.closes_on.isoformat(), "timezone": spec.timezone, "answer_key": spec.answer_key,
                "questionnaires": {q.id: q.version_hash for q in questionnaires}, "sites": [s.code for s in sites],
            })
            for questionnaire in questionnaires:
                self._questionnaires.setdefault(questionnaire.version_hash, questionnaire)
            campaign = repo.load_campaign(connection, campaign_id)
        assert campaign is not None
        return campaign

    def add_sites(self, campaign_id: int, sites: Sequence[SiteSpec], *, actor: str) -> Campaign:
        """Add sites (all or none) to a campaign (audit: ``site.added``); return the campaign as stored."""
        with self.write() as connection:
            if repo.load_campaign(connection, campaign_id) is None:
                raise UnknownCampaign(campaign_id)
            repo.insert_sites(connection, campaign_id, sites)
            audit.append(connection, actor=actor, action="site.added", campaign_id=campaign_id, detail={
                "sites": [{"code": s.code, "name": s.name, "stratum": s.stratum, "psu": s.psu, "kind": s.kind,
                           "quotas": dict(s.quotas)} for s in sites]})
            campaign = repo.load_campaign(connection, campaign_id)
        assert campaign is not None
        return campaign

    def add_site(self, campaign_id: int, site: SiteSpec, *, actor: str) -> Site:
        campaign = self.add_sites(campaign_id, [site], actor=actor)
        stored = campaign.site(site.code)
        assert stored is not None
        return stored

    def remove_site(self, campaign_id: int, code: str, *, actor: str) -> None:
        """Remove a site that has no responses yet (its posters then show ``unknown_site``; audit: ``site.removed``)."""
        with self.write() as connection:
            campaign = repo.load_campaign(connection, campaign_id)
            site = campaign.site(code) if campaign is not None else None
            repo.delete_site(connection, campaign_id, code)
            audit.append(connection, actor=actor, action="site.removed", campaign_id=campaign_id, detail={
                "code": code, "name": site.name if site else None, "stratum": site.stratum if site else None})

    def update_site(
        self, campaign_id: int, code: str, *, actor: str, name: str | None = None, quotas: Mapping[str, int] | None = None
    ) -> Site:
        """Set a site's name and/or quotas (questionnaire id -> target); return it as stored.

        Its code, stratum and PSU stay as they are once posters are printed (its token names the
        code; responses are analysed by its stratum). Raises CampaignError naming the problem.
        """
        with self.write() as connection:
            campaign = repo.load_campaign(connection, campaign_id)
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
            checked = SiteSpec(site.code, site.name if name is None else name.strip(), site.stratum, site.kind,
                               psu=site.psu, quotas=new_quotas)  # raises CampaignError naming the problem
            repo.update_site(connection, campaign_id, code, name=checked.name, quotas=checked.quotas)
            audit.append(connection, actor=actor, action="site.changed", campaign_id=campaign_id, detail={
                "code": code, "previous": {"name": site.name, "quotas": dict(site.quotas)},
                "new": {"name": checked.name, "quotas": dict(checked.quotas)}})
            stored = repo.load_campaign(connection, campaign_id)
        assert stored is not None
        updated = stored.site(code)
        assert updated is not None
        return updated

    def campaign(self, campaign_id: int) -> Campaign:
        """The campaign with its instruments and sites; raises UnknownCampaign."""
        campaign = self.find_campaign(campaign_id)
        if campaign is None:
            raise UnknownCampaign(campaign_id)
        return campaign

    def find_campaign(self, campaign_id: int) -> Campaign | None:
        with self.read() as connection:
            return repo.load_campaign(connection, campaign_id)

    def campaigns(self) -> list[Campaign]:
        """Every campaign in id order, with its instruments and sites (three queries in all)."""
        with self.read() as connection:
            return repo.load_campaigns(connection)

    def close_campaign(self, campaign_id: int, at: dt.datetime | None = None, *, actor: str) -> None:
        """Close a campaign now (or at ``at``); its tokens are then refused with ``closed`` (audit: ``campaign.closed``)."""
        closed_at = at or dt.datetime.now(dt.timezone.utc)
        with self.write() as connection:
            repo.set_closed(connection, campaign_id, closed_at)
            audit.append(connection, actor=actor, action="campaign.closed", campaign_id=campaign_id,
                         detail={"closed_at": closed_at.isoformat()})

    def reopen_campaign(self, campaign_id: int, *, actor: str) -> None:
        """Take responses again until the planned last day (audit: ``campaign.reopened``)."""
        with self.write() as connection:
            before = repo.load_campaign(connection, campaign_id)
            repo.set_closed(connection, campaign_id, None)
            closed_at = before.closed_at if before is not None else None
            audit.append(connection, actor=actor, action="campaign.reopened", campaign_id=campaign_id,
                         detail={"closed_at": closed_at.isoformat() if closed_at else None})

    # ---------------------------------------------------------------------------- responses

    def campaign_profile(self, campaign_id: int):  # noqa: ANN201 - survey.questionnaire.profiles.Profile | None
        """The jurisdiction profile a campaign's responses are scored under (None when the campaign or
        its profile is unknown: the instruments' own rules apply); its fixed id is read once per store,
        and the profile files are looked at (``find_profile``: a ``stat`` each) at most once per
        PROFILE_RECHECK_SECONDS per campaign, not on every submit."""
        seen = self._profiles_seen.get(campaign_id)
        now = time.monotonic()
        if seen is not None and now - seen[0] < PROFILE_RECHECK_SECONDS:
            return seen[1]
        profile = self._campaign_profile(campaign_id)
        if len(self._profiles_seen) > 1024:
            self._profiles_seen.clear()
        self._profiles_seen[campaign_id] = (now, profile)
        return profile

    def _campaign_profile(self, campaign_id: int):  # Profile | None
        from survey.questionnaire.profiles import find_profile
        from survey.storage.schema import campaigns

        profile_id = self._profile_ids.get(campaign_id)
        if profile_id is None:
            with self.read() as connection:
                profile_id = connection.execute(
                    sa.select(campaigns.c.profile_id).where(campaigns.c.id == campaign_id)
                ).scalar_one_or_none()
            if profile_id is not None:
                self._profile_ids[campaign_id] = profile_id
        return None if profile_id is None else find_profile(profile_id)

    def responses(self, campaign_id: int) -> list[StoredResponse]:
        with self.read() as connection:
            return select_responses(connection, campaign_id)

    def recent_responses(self, campaign_id: int, limit: int = 50) -> list[StoredResponse]:
        """The campaign's last ``limit`` responses, newest first (read with LIMIT, not all of them)."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        with self.read() as connection:
            return select_responses(connection, campaign_id, newest=limit)

    def stored_nonces(self, campaign_id: int, nonces: Sequence[str]) -> set[str]:
        """Which of ``nonces`` the campaign already holds (an import's rows stored before)."""
        with self.read() as connection:
            return stored_nonces(connection, campaign_id, list(nonces))

    def receipt(self, campaign_id: int, nonce: str) -> str | None:
        """The receipt code of the response stored with ``nonce`` (None: not stored); one indexed read."""
        with self.read() as connection:
            return stored_receipt(connection, campaign_id, nonce)

    def paper_number_nonce(self, campaign_id: int, paper_number: str) -> str | None:
        """The nonce of the response entered from paper form ``paper_number`` (None: not entered yet)."""
        with self.read() as connection:
            return paper_number_nonce(connection, campaign_id, paper_number)

    def response_nonces(self, campaign_id: int, ids: Sequence[int]) -> dict[int, str]:
        """Response id -> nonce for those of ``ids`` stored in the campaign (an export re-imported)."""
        with self.read() as connection:
            return nonces_by_id(connection, campaign_id, [int(i) for i in ids])

    def response_counts(self, campaign_id: int) -> dict[tuple[str, str], int]:
        """(site code, questionnaire id) -> responses stored, for quota progress."""
        with self.read() as connection:
            return count_responses(connection, campaign_id)

    def response_frame(
        self, campaign_id: int, *, after_id: int | None = None, with_answers: bool | Sequence[str] = False
    ) -> pandas.DataFrame:
        """The design-ready frame: one row per response (id > ``after_id``), sites' design columns,
        one float column per indicator (see ``survey.storage.frame`` for every column).

        ``with_answers``: True adds one column per question of the campaign's questionnaires,
        named by the question id; a sequence of question ids adds just those.
        Raises UnknownCampaign.
        """
        from survey.storage.frame import question_ids, read_response_frame

        campaign = self.campaign(campaign_id)
        questionnaires = self.campaign_questionnaires(campaign)
        if with_answers is True:
            answers: Sequence[str] = question_ids(questionnaires)
        elif with_answers is False:
            answers = ()
        else:
            answers = list(with_answers)
        with self.read() as connection:
            return read_response_frame(connection, campaign, questionnaires, after_id=after_id, answers=answers)

    def response_state(self, campaign_id: int) -> tuple[int, int]:
        """``(responses stored, largest response id)`` of a campaign: one cheap query for change detection."""
        from survey.storage.frame import response_state

        with self.read() as connection:
            return response_state(connection, campaign_id)

    def campaign_questionnaires(self, campaign: Campaign) -> list[Questionnaire]:
        """The questionnaire versions of a campaign, in its order (cached by version hash)."""
        return [self.questionnaire(i.version_hash) for i in campaign.instruments]

    # ------------------------------------------------------------------------------ reviews

    def review(
        self,
        campaign_id: int,
        response_ids: Sequence[int],
        decision: str,
        *,
        reason: str,
        actor: str,
        flags: Mapping[int, Sequence[str]] | None = None,
        at: dt.datetime | None = None,
    ) -> list[int]:
        """Approve (``approved``) or exclude (``excluded``) responses, all or none, each with an
        audit-log row naming ``actor`` and ``reason``; ``flags``: response id -> the rules that had
        flagged it. The response rows are never changed. Returns the audit-log ids."""
        with self.write() as connection:
            return review_repo.record_decision(
                connection, campaign_id=campaign_id, response_ids=list(response_ids), decision=decision, reason=reason,
                actor=actor, flags=flags or {}, at=at or dt.datetime.now(dt.timezone.utc),
            )

    def reopen(self, campaign_id: int, response_id: int, *, reason: str, actor: str) -> int | None:
        """Withdraw the decision on a response (audit-logged); None when it had none."""
        with self.write() as connection:
            return review_repo.clear_decision(connection, campaign_id=campaign_id, response_id=response_id, reason=reason,
                                              actor=actor, at=dt.datetime.now(dt.timezone.utc))

    def reviews(self, campaign_id: int) -> list[Review]:
        with self.read() as connection:
            return review_repo.select_reviews(connection, campaign_id)

    def audit_log(
        self,
        campaign_id: int | None = None,
        *,
        actor: str | None = None,
        actions: Sequence[str] | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit-log rows, newest first, filtered (``survey.storage.audit.select``)."""
        with self.read() as connection:
            return audit.select(connection, campaign_id, actor=actor, actions=tuple(actions or ()), since=since,
                                until=until, limit=limit)

    def audit_actors(self) -> list[str]:
        """Every actor the audit log names."""
        with self.read() as connection:
            return audit.actors(connection)

    def record(self, action: str, *, actor: str, campaign_id: int | None = None, detail: Mapping[str, Any] | None = None) -> int:
        """An audit row for an act that changes nothing else in the database (a surveyor link issued)."""
        with self.write() as connection:
            return audit.append(connection, actor=actor, action=action, campaign_id=campaign_id, detail=as_json(dict(detail or {})))

    def quality_parameters(self, campaign_id: int) -> dict[str, Any]:
        """The campaign's own quality-flag parameters (``{}``: the profile's or the defaults)."""
        with self.read() as connection:
            return review_repo.quality_parameters(connection, campaign_id)

    def set_quality_parameters(
        self, campaign_id: int, parameters: Mapping[str, Any], *, actor: str, reason: str | None = None
    ) -> int:
        """Replace the campaign's quality parameters (audit-logged with the old and new values);
        StorageError for a number that is not finite (JSON has none, PostgreSQL refuses them)."""
        with self.write() as connection:
            return review_repo.set_quality_parameters(connection, campaign_id=campaign_id, parameters=as_json(dict(parameters)),
                                                      actor=actor, reason=reason, at=dt.datetime.now(dt.timezone.utc))

    # ------------------------------------------------------------------------------- tokens

    def check_token(
        self,
        token: str | None,
        secret: bytes,
        *,
        expected_campaign: int | None = None,
        now: dt.datetime | None = None,
    ) -> TokenCheck:
        """``survey.campaign.tokens.check_token`` against this store's campaigns."""
        from survey.campaign.tokens import check_token

        return check_token(token, secret, self.find_campaign, expected_campaign=expected_campaign, now=now)


__all__ = ["AuditEntry", "Review", "Store", "StorageError", "SubmitError", "SubmitResult", "StoredResponse"]
