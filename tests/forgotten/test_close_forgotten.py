"""Closing forgotten sessions with a frozen clock: when, at which end, once, and audited."""

import threading

import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent
from observations.review.forgotten import close_forgotten, forgotten_sessions
from tests.forgotten.conftest import auto_close_events, hours, planned_slot, send, stored
from tests.sync.conftest import at


def test_an_unplanned_session_closes_after_its_longest_length_at_its_last_record(field):
    session = field.session()
    send(
        field,
        session,
        field.scan(session, field.zones[0], observed_at=at(5)),
        field.encounter(session, occurred_at=at(40)),
        field.note(session, written_at=at(25)),
    )
    assert close_forgotten(now=hours(6)) == [], "six hours is the limit itself, not beyond it"
    assert stored(session["uuid"]).ended_at is None

    closed = close_forgotten(now=hours(6.01))
    db.session.commit()

    assert [s.uuid for s in closed] == [session["uuid"]]
    row = stored(session["uuid"])
    assert row.ended_at == hours(40 / 60), "closed at its last record's time, the encounter"
    assert row.auto_closed_at == hours(6.01)
    assert row.revision == 1, "the server's close is not a version of the phone's"
    (event,) = auto_close_events(session["uuid"])
    assert event.actor_id is None and event.study_id == field.study_id
    assert event.changes["auto_closed_at"][1].startswith(hours(6.01).strftime("%Y-%m-%dT%H:%M"))
    assert event.changes["planned"] is False


def test_a_planned_session_closes_some_hours_after_its_slots_end(field):
    slot = planned_slot(field, minutes=60)
    session = field.session(slot=slot)
    send(field, session, field.note(session, written_at=at(50)))
    assert close_forgotten(now=hours(3)) == [], "slot end (1 h) + 2 h grace is not yet past"
    assert [s.uuid for s in close_forgotten(now=hours(3.01))] == [session["uuid"]]
    db.session.commit()
    assert stored(session["uuid"]).ended_at == hours(50 / 60)
    assert auto_close_events(session["uuid"])[0].changes["planned"] is True


def test_the_limits_come_from_the_thresholds(app, field):
    app.config["REVIEW_THRESHOLDS"] = {"max_unplanned_hours": 1}
    session = field.session()
    send(field, session)
    assert [s.uuid for s in close_forgotten(now=hours(1.01))] == [session["uuid"]]


def test_withdrawn_records_do_not_count_and_no_records_means_the_start(field):
    with_records, empty = field.session(), field.session()
    note = field.note(with_records, written_at=at(30))
    send(field, with_records, empty, field.encounter(with_records, occurred_at=at(10)), note)
    send(field, {**note, "revision": 2, "retracted": True})
    close_forgotten(now=hours(7))
    db.session.commit()
    assert stored(with_records["uuid"]).ended_at == hours(10 / 60)
    assert stored(empty["uuid"]).ended_at == stored(empty["uuid"]).started_at


def test_ended_and_withdrawn_sessions_are_left_alone(field):
    ended, withdrawn = field.session(), field.session()
    send(field, ended, withdrawn)
    send(
        field,
        {**ended, "revision": 2, "ended_at": at(30)},
        {**withdrawn, "revision": 2, "retracted": True},
    )
    assert close_forgotten(now=hours(24)) == []
    assert stored(ended["uuid"]).auto_closed_at is None
    assert stored(withdrawn["uuid"]).ended_at is None


def test_closing_again_changes_nothing(field):
    session = field.session()
    send(field, session)
    assert len(close_forgotten(now=hours(7))) == 1
    db.session.commit()
    assert close_forgotten(now=hours(8)) == []
    db.session.commit()
    assert stored(session["uuid"]).auto_closed_at == hours(7)
    assert len(auto_close_events(session["uuid"])) == 1


def test_a_dry_run_finds_them_and_changes_nothing(field):
    session = field.session()
    send(field, session, field.encounter(session, occurred_at=at(20)))
    (found,) = forgotten_sessions(now=hours(7))
    assert found.session.uuid == session["uuid"] and found.end == hours(20 / 60)
    db.session.rollback()
    assert stored(session["uuid"]).ended_at is None


def test_two_runs_at_the_same_moment_close_each_session_once(app, field):
    sessions = [field.session() for _ in range(5)]
    send(field, *sessions)
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index: int) -> None:
        with app.test_request_context():
            barrier.wait()
            try:
                outcomes[index] = [s.uuid for s in close_forgotten(now=hours(7))]
                db.session.commit()
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sorted(outcomes[0] + outcomes[1]) == sorted(s["uuid"] for s in sessions)
    events = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).filter_by(action="auto_close")
    )
    assert events == len(sessions)


def test_the_audit_log_names_the_action(app):
    from observations.audit_log import ACTIONS

    with app.test_request_context("/"):
        assert str(ACTIONS["auto_close"]) == "automatisch gesloten"
