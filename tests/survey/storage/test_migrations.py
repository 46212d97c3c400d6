"""Migrations: a v1 database with data upgrades in place, rows intact; schema.py matches."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
import sqlalchemy as sa

from survey.storage import SCHEMA_VERSION, StorageError, Store, create_engine, migrate, schema_version
from survey.storage.schema import metadata

from .helpers import GOOD_ANSWERS


def _fill_v1(engine: sa.Engine, mini) -> None:
    """Rows written the way version 1 had them (raw SQL: no column of later versions)."""
    now = dt.datetime(2026, 5, 1, 8, 0)
    with engine.connect() as connection, connection.begin():
        connection.execute(
            sa.text(
                "INSERT INTO instruments (version_hash, questionnaire_id, version, title, canonical_json, registered_at) "
                "VALUES (:h, 'mini', '1', :title, :doc, :t)"
            ),
            {"h": mini.version_hash, "title": json.dumps({"zh": "小问卷"}), "doc": mini.canonical_json(), "t": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO campaigns (id, name, profile_id, organizer, opens_on, closes_on, timezone, created_at) "
                "VALUES (1, '旧调查', 'liunan', '卫健局', :o, :c, 'Asia/Shanghai', :t)"
            ),
            {"o": dt.date(2026, 1, 1), "c": dt.date(2036, 1, 1), "t": now},
        )
        connection.execute(
            sa.text("INSERT INTO campaign_instruments (campaign_id, short_id, version_hash, position) VALUES (1, 'm', :h, 0)"),
            {"h": mini.version_hash},
        )
        connection.execute(
            sa.text(
                "INSERT INTO sites (id, campaign_id, code, name, stratum, psu, kind, quotas, extra) "
                "VALUES (1, 1, '01', '太阳村镇卫生院', '太阳村镇', '01', 'township_centre', :q, '{}')"
            ),
            {"q": json.dumps({"mini": 20})},
        )
        for i in range(5):
            connection.execute(
                sa.text(
                    "INSERT INTO responses (campaign_id, site_id, version_hash, nonce, source, answers, scores, submitted_at) "
                    "VALUES (1, 1, :h, :n, 'qr', :a, :s, :t)"
                ),
                {
                    "h": mini.version_hash,
                    "n": f"v1-nonce-{i:03d}",
                    "a": json.dumps(GOOD_ANSWERS),
                    "s": json.dumps({"satisfaction": 1, "knowledge": 1}),
                    "t": now,
                },
            )
    if engine.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
        with engine.begin() as connection:
            for table in ("campaigns", "sites", "responses"):
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def test_v1_database_upgrades_in_place(db_url: str, mini) -> None:
    engine = create_engine(db_url)
    assert migrate(engine, target=1) == [1]
    assert schema_version(engine) == 1
    _fill_v1(engine, mini)
    engine.dispose()

    with Store.open(db_url) as store:  # opening upgrades
        assert store.schema_version == SCHEMA_VERSION
        campaign = store.campaign(1)
        assert campaign.name == "旧调查" and not campaign.demo
        assert [s.name for s in campaign.sites] == ["太阳村镇卫生院"]
        stored = store.responses(1)
        assert [r.nonce for r in stored] == [f"v1-nonce-{i:03d}" for i in range(5)]
        assert all(r.answers == GOOD_ANSWERS and not r.simulated for r in stored)
        assert all(r.submitted_at == dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc) for r in stored)
        # the upgraded database works as a new one: a repeat is still a repeat, new rows go in
        assert store.submit(1, "01", mini, GOOD_ANSWERS, nonce="v1-nonce-000").repeat
        result = store.submit(1, "01", mini, GOOD_ANSWERS, nonce="v2-nonce-000", simulated=True)
        assert not result.repeat and result.response_id == 6
        with store.read() as connection:
            versions = connection.exec_driver_sql("SELECT version FROM schema_migrations ORDER BY version").scalars().all()
        assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_migrate_again_does_nothing(db_url: str) -> None:
    engine = create_engine(db_url)
    assert migrate(engine) == list(range(1, SCHEMA_VERSION + 1))
    assert migrate(engine) == []
    engine.dispose()


def _first_starts(db_url: str, engines: int = 4) -> tuple[list[list[int]], list[BaseException]]:
    """``engines`` engines migrating ``db_url`` at the same instant: the versions each applied, and the errors."""
    started = [create_engine(db_url) for _ in range(engines)]
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(started))

    def run(engine: sa.Engine) -> None:
        barrier.wait()
        try:
            results.append(migrate(engine))
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in started]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in started:
        engine.dispose()
    return results, errors


def test_concurrent_first_start_migrates_once(db_url: str) -> None:
    results, errors = _first_starts(db_url)
    assert not errors
    assert sorted(v for r in results for v in r) == list(range(1, SCHEMA_VERSION + 1))


def test_database_newer_than_code_is_refused(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO schema_migrations (version, description, applied_at) VALUES (:v, 'future', :t)"),
            {"v": SCHEMA_VERSION + 1, "t": dt.datetime(2030, 1, 1)},
        )
    engine.dispose()
    with pytest.raises(StorageError, match=f"schema version {SCHEMA_VERSION + 1}, newer than"):
        Store.open(db_url)


def test_migrated_schema_matches_schema_py(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate(engine)
    inspector = sa.inspect(engine)
    assert set(inspector.get_table_names()) == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert list(columns) == [c.name for c in table.columns], name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, f"{name}.{column.name}"
        indexes = {i["name"] for i in inspector.get_indexes(name)}
        assert {i.name for i in table.indexes} <= indexes, name
        uniques = {u["name"] for u in inspector.get_unique_constraints(name)}
        expected = {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
        assert expected <= uniques, name
    engine.dispose()


def test_v4_gives_old_campaigns_the_form_defaults(db_url: str, mini) -> None:
    engine = create_engine(db_url)
    migrate(engine, target=3)
    _fill_v1(engine, mini)
    assert migrate(engine) == list(range(4, SCHEMA_VERSION + 1))
    engine.dispose()
    with Store.open(db_url) as store:
        campaign = store.campaign(1)
        assert (campaign.contact_phone, campaign.answer_key, campaign.keep_months) == ("", "after_close", 36)


def test_many_first_starts_of_a_new_sqlite_file_never_report_a_lock(tmp_path) -> None:
    """Switching a new file to WAL takes a lock SQLite does not wait for: four engines opening the
    same new file at once used to fail one start in about twenty with "database is locked"."""
    for attempt in range(60):
        _, errors = _first_starts(f"sqlite:///{tmp_path / f'first-{attempt}.sqlite'}")
        assert not errors, (attempt, errors)
