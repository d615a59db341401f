"""The indicator facts stay equal to a full recomputation through every way records change.

Each test changes records the way the app does (sync, corrections, reviews, withdrawals,
the server closing a forgotten session, late records, the demo) and then checks that the
facts stored equal what `facts.rebuild` computes from scratch, and that the dashboards read
from the facts show what counting the records themselves shows.
"""

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from observations import indicators
from observations.extensions import db
from observations.indicators import facts
from observations.models import FACT_MODELS, HourFact, Session, Study
from observations.review.corrections import correct
from observations.review.decisions import decide
from observations.review.forgotten import close_forgotten
from observations.sync import sync_records
from observations.sync.context import BatchContext
from tests.review.conftest import Records
from tests.sync.conftest import START, at

REASON = "Verkeerd getikt, gecontroleerd met de veldnotities."


@pytest.fixture(autouse=True, params=["facts"])
def counted_from(request, app):
    """These tests compare both ways of counting themselves (overrides conftest's)."""
    yield request.param


@pytest.fixture
def records(app):
    with app.test_request_context():
        yield Records(app)


def stored_facts() -> dict:
    """{table: sorted rows} of every fact table."""
    db.session.expire_all()
    result = {}
    for model in FACT_MODELS:
        table = model.__table__
        rows = db.session.execute(sa.select(table)).all()
        result[table.name] = sorted(tuple(row) for row in rows)
    return result


def assert_current() -> None:
    """The facts stored equal the facts computed again from the records."""
    kept = stored_facts()
    facts.rebuild()
    db.session.flush()
    assert stored_facts() == kept
    db.session.rollback()


def figures(app, study: Study, from_facts: bool) -> tuple:
    """The comparison and every site dashboard, counted one way."""
    app.config["INDICATOR_FACTS"] = from_facts
    try:
        f = indicators.Filters(review=("pending", "approved", "has_issues", "rejected"))
        pages = [indicators.comparison(study, f)]
        pages += [indicators.site_dashboard(study, site, f) for site in study.sites]
        return tuple(pages)
    finally:
        app.config["INDICATOR_FACTS"] = True


def lead_corrects(records: Records, kind: str, uuid: str, changes: dict) -> None:
    correct(records.study, kind, uuid, changes, REASON, records.lead)


def sync(records: Records, *items) -> list[str]:
    results = sync_records(records.fieldworker, list(items))
    db.session.commit()
    return [r["status"] for r in results]


def hours_of(session_uuid: str) -> list:
    db.session.expire_all()
    session_id = db.session.scalar(sa.select(Session.id).filter_by(uuid=session_uuid))
    return db.session.scalars(sa.select(HourFact).filter_by(session_id=session_id)).all()


def test_an_open_session_has_no_facts_until_it_ends(records):
    session = records.session()
    statuses = sync(
        records, session, records.encounter(session), records.scan(session, records.zones[0])
    )
    assert statuses == ["created"] * 3
    assert hours_of(session["uuid"]) == []
    ended = session | {"ended_at": at(60), "revision": 2}
    assert sync(records, ended) == ["updated"]
    (hour,) = [h for h in hours_of(session["uuid"]) if h.encounters]
    assert hour.encounters == 1 and hour.recognised == 1 and hour.across_ages == 1
    assert sum(h.seconds for h in hours_of(session["uuid"])) == 3600
    assert_current()


def test_a_record_of_an_ended_session_rewrites_its_facts(records):
    session = records.session()
    assert sync(records, session | {"ended_at": at(60)}) == ["created"]
    assert hours_of(session["uuid"]) and not any(h.encounters for h in hours_of(session["uuid"]))
    assert sync(records, records.encounter(session)) == ["created"]
    assert sum(h.encounters for h in hours_of(session["uuid"])) == 1
    assert_current()


def test_a_session_ended_by_another_request_meanwhile_counts_the_new_record(records, monkeypatch):
    """The batch looked its session up while it was open; another request ended it before
    the batch's records went in. Whether the session has ended is read by the INSERT, in
    the write transaction, so its facts count the record anyway."""
    session = records.session()
    sync(records, session, records.encounter(session))
    assert sync(records, session | {"ended_at": at(60), "revision": 2}) == ["updated"]
    looked_up = BatchContext.session

    def as_read_before_it_ended(ctx, *args):
        info = looked_up(ctx, *args)
        return None if info is None else dataclasses.replace(info, ended_at=None)

    monkeypatch.setattr(BatchContext, "session", as_read_before_it_ended)
    assert sync(records, records.encounter(session, occurred_at=at(30))) == ["created"]
    assert sum(h.encounters for h in hours_of(session["uuid"])) == 2
    assert_current()


def test_records_of_an_open_session_leave_the_facts_alone(records):
    """Nine syncs in ten store records of an open session: it has no facts, and such a sync
    reads and writes none."""
    session = records.session()
    sync(records, session)
    statements = []

    def note(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        batch = [records.encounter(session), records.scan(session, records.zones[0])]
        assert sync(records, *batch) == ["created", "created"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert statements and not [s for s in statements if "fact_" in s]
    assert hours_of(session["uuid"]) == []
    assert_current()


def test_synced_records_corrections_and_withdrawals_keep_the_facts_current(app, records):
    synced = records.synced()
    db.session.commit()
    assert_current()
    before = figures(app, records.study, True)
    assert before == figures(app, records.study, False)
    assert before[0].totals.encounters == 1

    lead_corrects(records, "encounter", synced["encounter"]["uuid"],
                  {"relation": "strangers", "flags": ["different_company"]})  # fmt: skip
    lead_corrects(records, "scan", synced["scan"]["uuid"],
                  {"counts": {"age": {"0-14": 7}, "gender": {"woman": 7}}})  # fmt: skip
    db.session.commit()
    assert_current()
    after = figures(app, records.study, True)
    assert after == figures(app, records.study, False) and after != before

    lead_corrects(records, "session", synced["session"]["uuid"],
                  {"crowding": "busy", "programme": "regular_programme"})  # fmt: skip
    db.session.commit()
    assert_current()
    assert figures(app, records.study, True) == figures(app, records.study, False)


def test_a_withdrawn_encounter_no_longer_counts(app, records):
    session = records.session()
    encounter = records.encounter(session)
    sync(records, session, encounter, records.encounter(session, occurred_at=at(30)))
    assert sync(records, encounter | {"retracted": True, "revision": 2}) == ["updated"]
    assert sync(records, session | {"ended_at": at(60), "revision": 2}) == ["updated"]
    assert sum(h.encounters for h in hours_of(session["uuid"])) == 1
    assert_current()
    pages = figures(app, records.study, True)
    assert pages == figures(app, records.study, False)
    assert pages[0].totals.encounters == 1


def test_a_review_decision_moves_the_session_between_filters(app, records):
    synced = records.synced()
    db.session.commit()
    session = db.session.scalar(sa.select(Session).filter_by(uuid=synced["session"]["uuid"]))
    approved_only = indicators.Filters(review=("approved",))
    assert indicators.totals(records.study, approved_only).sessions == 0
    decide(session, "approved", None, records.lead)
    db.session.commit()
    assert_current()
    assert indicators.totals(records.study, approved_only).sessions == 1
    assert {h.review_state for h in hours_of(synced["session"]["uuid"])} == {"approved"}


def test_a_withdrawn_session_loses_its_facts(records):
    session = records.session()
    sync(records, session, records.encounter(session, occurred_at=at(20)))
    close_forgotten(now=START + timedelta(hours=30))
    db.session.commit()
    assert hours_of(session["uuid"])
    # A session the server closed can still be changed by its phone: here, withdrawn.
    assert sync(records, session | {"retracted": True, "revision": 2}) == ["updated"]
    assert hours_of(session["uuid"]) == []
    assert_current()


def test_closing_a_forgotten_session_and_late_records(app, records):
    session = records.session()
    sync(records, session, records.encounter(session, occurred_at=at(20)))
    closed = close_forgotten(now=START + timedelta(hours=30))
    db.session.commit()
    assert [s.uuid for s in closed] == [session["uuid"]]
    assert sum(h.seconds for h in hours_of(session["uuid"])) == 20 * 60
    assert_current()
    # A record after the server's end moves the end, and the facts with it.
    assert sync(records, records.encounter(session, occurred_at=at(50))) == ["created"]
    assert sum(h.seconds for h in hours_of(session["uuid"])) == 50 * 60
    assert sum(h.encounters for h in hours_of(session["uuid"])) == 2
    assert_current()


def test_a_new_time_zone_moves_every_local_hour(records):
    synced = records.synced()
    db.session.commit()
    before = sorted(h.hour for h in hours_of(synced["session"]["uuid"]))
    records.study.timezone = "America/New_York"
    db.session.commit()
    after = sorted(h.hour for h in hours_of(synced["session"]["uuid"]))
    assert after and after != before
    assert_current()


def test_the_command_computes_facts_lost_outside_the_app(app, records):
    records.synced()
    db.session.commit()
    kept = stored_facts()
    for model in FACT_MODELS:
        db.session.execute(sa.delete(model.__table__))
    db.session.commit()
    assert all(rows == [] for rows in stored_facts().values())
    result = app.test_cli_runner().invoke(args=["rebuild-indicators", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 sessions" in result.output or "1 sessie" in result.output
    assert stored_facts() == kept
    unknown = app.test_cli_runner().invoke(args=["rebuild-indicators", "nope"])
    assert unknown.exit_code != 0 and "nope" in unknown.output
