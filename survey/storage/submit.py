"""Storing responses exactly once: :class:`Submitting`, the part of ``Store`` that writes them.

Answers are validated and scored, and paradata checked, before the write transaction opens
(``survey.collect.submission.clean_and_score``); a retried nonce returns the stored row's id.

On SQLite, concurrent submits of one process share their commit (:class:`GroupCommit`): a burst of
``m`` submits costs about ``m / g`` transactions and fsyncs for groups of ``g`` instead of ``m``, with
``synchronous=FULL`` kept, so a submit is acknowledged only after the fsync of the commit that
holds its row (nothing acknowledged is lost on ``kill -9`` or power loss). A group's rows go in
together (``response_batch``: a few statements whatever its size, so the write lock is held for
about 0.1 ms of CPU per submit instead of 0.35 ms, with a handful of round trips into SQLite (each
lets go of the GIL) instead of four per submit). PostgreSQL commits each submit on its own, as before.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from survey.collect.submission import Checked, Submission, clean_and_score
from survey.storage import audit
from survey.storage.audit import AuditError
from survey.storage.engine import StorageError
from survey.storage.response_batch import insert_responses
from survey.storage.responses import SubmitError, SubmitResult, check_submission, insert_response

if TYPE_CHECKING:
    from survey.collect.paradata import Paradata
    from survey.questionnaire import Questionnaire


class Submitting:
    """``Store.submit`` and ``Store.submit_batch`` (mixed into :class:`survey.storage.Store`, which
    provides ``write()``, ``url``, ``campaign_profile()`` and the device-hash secret)."""

    def _device_secret(self) -> bytes:
        if self._secret is None:
            from survey.campaign.keys import load_secret

            self._secret = load_secret()
        return self._secret

    def _paradata_columns(self, paradata: Mapping[str, Any] | Paradata | None, language: str | None) -> tuple[dict, str | None]:
        """Validated paradata as stored columns (device id hashed), and the response's language."""
        from survey.collect.paradata import parse_paradata

        checked = parse_paradata(paradata)
        secret = self._device_secret() if checked.device_id is not None else None
        return checked.stored(secret), language or checked.language

    def submit(
        self,
        campaign_id: int,
        site_code: str,
        questionnaire: Questionnaire,
        answers: Mapping[str, Any],
        *,
        nonce: str,
        source: str = "qr",
        submitted_at: dt.datetime | None = None,
        language: str | None = None,
        simulated: bool = False,
        enforce_window: bool | None = None,
        paradata: Mapping[str, Any] | Paradata | None = None,
        household_id: int | None = None,
        checked: Checked | None = None,
    ) -> SubmitResult:
        """Validate, score and store one response, exactly once per ``(campaign, nonce)``.

        Parameters
        ----------
        questionnaire
            The instrument the respondent saw; its version hash must belong to the campaign.
        answers
            Question id -> answer, as the form collected them. Validated first
            (``survey.questionnaire.answers.validate_answers``): on any problem, AnswerError and nothing written.
        nonce
            Made by the form once (8-64 of ``[A-Za-z0-9_-]``, e.g. ``uuid4().hex``), sent on every
            attempt. A nonce already stored returns ``SubmitResult(id, repeat=True)`` and writes
            nothing.
        source
            ``qr`` (respondent's phone), ``surveyor`` (entered by a surveyor) or ``import``.
        enforce_window
            Refuse a campaign that is not open at ``submitted_at`` (SubmitError with reason
            ``not_yet_open`` or ``closed``). Default: for ``qr`` and ``surveyor``; imports of paper
            forms may come after the campaign closed.
        paradata
            How the response came about (``survey.collect.paradata``: opened_at, duration_s,
            section_seconds, language, resumed, mode, surveyor, device_id). Checked first
            (ParadataError, nothing written); the device id is stored only as its keyed hash.
            A repeat of a stored nonce keeps the paradata of the first attempt.
        household_id
            The household of a door-to-door interview (``Store.households``): it must belong to the
            site, and a household has one interview (a second nonce is refused with ``household_done``).
        checked
            The walk that already found ``answers`` valid (``FormView.checked`` of the form's last
            view, ``survey.collect.submission.Checked``): used instead of walking them again when
            it is of this very ``answers`` object and questionnaire; otherwise ignored.

        Raises
        ------
        AnswerError, ParadataError, SubmitError, StorageError
        """
        check_submission(nonce, source)
        submitted_at = submitted_at or dt.datetime.now(dt.timezone.utc)
        if submitted_at.tzinfo is None:
            raise ValueError("submitted_at must be timezone-aware")
        cleaned, scores = clean_and_score(questionnaire, answers, self.campaign_profile(campaign_id), checked)
        stored_paradata, language = self._paradata_columns(paradata, language)
        if enforce_window is None:
            enforce_window = source != "import"
        work = ResponseInsert(
            campaign_id=campaign_id,
            site_code=site_code,
            version_hash=questionnaire.version_hash,
            nonce=nonce,
            source=source,
            answers=as_json(cleaned),
            scores=as_json(scores),
            submitted_at=submitted_at,
            language=language,
            simulated=simulated,
            enforce_window=enforce_window,
            paradata=stored_paradata,
            household_id=household_id,
        )
        try:
            if self._group_commit is not None:
                return self._group_commit.run(work)
            with self.write() as connection:
                return work(connection)
        except sa.exc.OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise StorageError(f"the response was not stored ({self.url}): {reason}") from exc

    def submit_batch(
        self, campaign_id: int, submissions: Sequence[Submission], *, actor: str | None = None,
        batch: Mapping[str, Any] | None = None,
    ) -> list[SubmitResult]:
        """Store many responses in one transaction (an import, the demo): all or nothing.

        Every answer set is validated and scored first; a problem raises before anything is
        written, with the position of the submission (``submission 17 (nonce ...): ...``).
        Repeats of stored nonces are reported as in :meth:`submit`, not written again.

        Imported responses (``source="import"``) need the ``actor`` who imports them and the
        ``batch`` facts (``file``, ``sha256``, ``rows``, ``refused``, ...): the same transaction
        writes one ``import.batch`` audit row with them and the counts stored and repeated.
        """
        if any(item.source == "import" for item in submissions) and (not actor or batch is None):
            raise AuditError("an import needs the account that imports it and the file's facts (actor=, batch=)")
        from survey.errors import AnswerError
        from survey.collect.paradata import ParadataError

        prepared = []
        profile = self.campaign_profile(campaign_id)
        for position, item in enumerate(submissions, start=1):
            try:
                check_submission(item.nonce, item.source)
                cleaned, scores = clean_and_score(item.questionnaire, item.answers, profile)
            except AnswerError as exc:
                raise AnswerError(
                    [type(p)(p.question_id, p.code, f"submission {position} (nonce {item.nonce}): {p.detail}") for p in exc.problems],
                    exc.questionnaire_id,
                ) from None
            except SubmitError as exc:
                raise SubmitError(exc.reason, f"submission {position}: {exc}") from None
            if item.submitted_at is not None and item.submitted_at.tzinfo is None:
                raise ValueError(f"submission {position}: submitted_at must be timezone-aware")
            try:
                stored_paradata, language = self._paradata_columns(item.paradata, item.language)
            except ParadataError as exc:
                raise ParadataError(exc.key, exc.detail, where=f"submission {position} (nonce {item.nonce}): ") from None
            prepared.append((item, as_json(cleaned), as_json(scores), stored_paradata, language))
        now = dt.datetime.now(dt.timezone.utc)
        results = []
        with self.write() as connection:
            for position, (item, answers, scores, stored_paradata, language) in enumerate(prepared, start=1):
                try:
                    results.append(
                        insert_response(
                            connection,
                            campaign_id=campaign_id,
                            site_code=item.site_code,
                            version_hash=item.questionnaire.version_hash,
                            nonce=item.nonce,
                            source=item.source,
                            answers=answers,
                            scores=scores,
                            submitted_at=item.submitted_at or now,
                            language=language,
                            simulated=item.simulated,
                            enforce_window=item.source != "import" and not item.simulated,
                            paradata=stored_paradata,
                        )
                    )
                except SubmitError as exc:
                    raise SubmitError(exc.reason, f"submission {position} (nonce {item.nonce}): {exc}") from None
            if batch is not None:
                repeats = sum(1 for r in results if r.repeat)
                audit.append(connection, actor=actor or "", action="import.batch", campaign_id=campaign_id,
                             detail=as_json({**batch, "stored": len(results) - repeats, "repeats": repeats}))
        return results


class ResponseInsert:
    """One response's ``insert_response`` (a group commit's item): called with a connection, or
    inserted with the rest of its group by ``response_batch.insert_responses`` (``kwargs``)."""

    __slots__ = ("kwargs",)

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def __call__(self, connection: Any, memo: dict | None = None) -> SubmitResult:
        return insert_response(connection, memo=memo, **self.kwargs)

    @property
    def batchable(self) -> bool:
        return self.kwargs.get("household_id") is None  # a household's checks read other rows: on its own


class _Pending:
    __slots__ = ("work", "result", "error", "done", "wake")

    def __init__(self, work: Callable[..., SubmitResult]) -> None:
        self.work = work
        self.result: SubmitResult | None = None
        self.error: BaseException | None = None
        self.done = False
        self.wake = threading.Lock()  # held until the item is done or its thread is to lead the next group
        self.wake.acquire()


class GroupCommit:
    """Concurrent writes of one process share one transaction and one fsync (SQLite).

    A caller queues its work (a function of the connection). The first caller while no group is
    under way is the leader: it takes the store's write lock, takes every queued item, opens
    ``BEGIN IMMEDIATE``, stores the group's responses (:class:`ResponseInsert` items) together in
    a few statements (``response_batch.insert_responses``: each still gets its own answer, repeat
    or refusal), runs any other item inside its own ``SAVEPOINT`` (an item that raises is rolled
    back to its savepoint alone and gets its own exception; the others go on), and commits once.
    Should the batch fail as a whole, its transaction (which it opened) is rolled back and a new
    one runs each item of the group on its own savepoint instead, so one bad row does not sink
    the others. Then it wakes each caller of the group (each returns its own result) and hands
    the lead to the first item queued meanwhile, whose caller forms the next group; so a burst
    of ``m`` submits needs a handful of commits, not ``m``, and a lone submit commits at once (no
    waiting window). If the commit itself fails, no item of the group is acknowledged: each raises.

    The callers of a group wait on a lock of their own, each released by the leader: they do not
    queue for the write lock one after another just to find their item done (with busy request
    threads, each such hand-over could wait for the GIL, and the next group's leader waited
    behind them all).
    """

    def __init__(self, engine: Any, lock: threading.Lock) -> None:
        self.engine = engine
        self.lock = lock  # the store's write lock: group commits and other writes take turns
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leader: _Pending | None = None  # the item whose caller leads the group under way (None: none)
        self.groups = 0  # commits made (for tests and benchmarks)
        self.fallbacks = 0  # groups whose batch insert failed and whose items were stored one by one

    def run(self, work: Callable[..., SubmitResult]) -> SubmitResult:
        """Run ``work(connection, memo=group_memo)`` in a shared transaction; its result once that
        has committed (``memo``: a dict shared by the group's items, see ``insert_response``)."""
        item = _Pending(work)
        with self._queue_lock:
            self._queue.append(item)
            if self._leader is None:
                self._leader = item
        if self._leader is not item:
            item.wake.acquire()  # done by a leader, or made the next leader
        if not item.done:
            self._lead()
        if item.error is not None:
            raise item.error
        return item.result  # type: ignore[return-value]

    def _lead(self) -> None:
        """Commit every queued item (this caller's among them), wake their callers, and hand the
        lead to the first item queued since (or to nobody)."""
        group: list[_Pending] = []
        try:
            with self.lock:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit(group)
        finally:
            with self._queue_lock:
                following = self._leader = self._queue[0] if self._queue else None
            for item in group:
                if item.wake.locked():
                    item.wake.release()
            if following is not None:
                following.wake.release()

    def _commit(self, group: list[_Pending]) -> None:
        try:
            batch = [item for item in group if _batchable(item)]
            try:
                self._transaction(group, batch if len(batch) >= 2 else [])
            except _BatchFailed:  # undone with its transaction: each item of the group on its own savepoint instead
                self.fallbacks += 1
                for item in group:
                    item.result = item.error = None
                self._transaction(group, [])
            self.groups += 1
        except BaseException as exc:  # the commit failed: nothing of the group is acknowledged
            for position, item in enumerate(group):
                item.result = None
                if item.error is None:
                    item.error = exc if position == 0 else _group_failure(exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            for item in group:
                item.done = True

    def _transaction(self, group: list[_Pending], batch: list[_Pending]) -> None:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) for ``group``: the responses
        ``batch`` first, together (``response_batch.insert_responses``: a few statements for them
        all; a lone item goes the usual way, which is as quick), then every item still unanswered
        on its own savepoint (a group of one item: in the transaction itself, rolled back if it
        raises). The batch opens the transaction, so should it fail as a whole, the transaction is
        rolled back (no savepoint needed for that) and :class:`_BatchFailed` raised."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin() as transaction:
                memo: dict = {}  # campaign, site and instrument looked up once per group
                if batch:
                    try:
                        answers = insert_responses(connection, [item.work.kwargs for item in batch], memo)
                    except Exception as exc:  # e.g. a constraint of one row: each item then finds its own answer
                        raise _BatchFailed from exc
                    for item, answer in zip(batch, answers):
                        if isinstance(answer, Exception):
                            item.error = answer
                        else:
                            item.result = answer
                if len(group) == 1 and not batch:  # a lone write: its transaction is its own, no savepoint
                    (item,) = group
                    try:
                        item.result = item.work(connection, memo=memo)
                    except Exception as exc:  # noqa: BLE001 - its own answer (a refusal, an error), nothing kept
                        item.error = exc
                        transaction.rollback()
                    return
                for item in group:
                    if item.result is None and item.error is None:
                        try:
                            with connection.begin_nested():  # SAVEPOINT ... RELEASE, or ROLLBACK TO
                                item.result = item.work(connection, memo=memo)
                        except Exception as exc:  # this item alone is undone; the others go on
                            item.error = exc


class _BatchFailed(Exception):
    """The group's batch insert failed as a whole (its transaction is rolled back)."""


def _batchable(item: _Pending) -> bool:
    return isinstance(item.work, ResponseInsert) and item.work.batchable


def _group_failure(exc: BaseException) -> BaseException:
    """A caller's own copy of the error of a shared commit (one exception object per thread)."""
    if isinstance(exc, sa.exc.OperationalError):
        return sa.exc.OperationalError(exc.statement, exc.params, exc.orig)
    return StorageError(f"the response was not stored: the shared commit failed: {exc}")


_PLAIN = (str, int, float, bool, type(None))  # exactly these types (no subclass): JSON gives them back as they are


def as_json(value: Any) -> Any:
    """Plain JSON data (tuples become lists), as the database will hand it back. A mapping of
    text keys to plain values and lists of them (a form's answers, its scores) is copied as it
    is (about 4 us instead of 15 us through JSON text); anything else goes through JSON."""
    if type(value) is dict:
        out = {}
        for key, item in value.items():
            kind = type(item)
            if type(key) is not str:
                break
            if kind in _PLAIN:
                out[key] = item
            elif (kind is list or kind is tuple) and all(type(element) in _PLAIN for element in item):
                out[key] = list(item)
            else:
                break
        else:
            return out
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} {value!r} as JSON")
