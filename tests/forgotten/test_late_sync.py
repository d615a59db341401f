"""A late sync into a session the server closed: nothing lost, a clear notice, the end moves."""

import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Encounter
from observations.review.forgotten import close_forgotten
from tests.forgotten.conftest import hours, send, stored
from tests.sync.conftest import at


def closed_session(field, *records):
    """A session (with records) stored, then closed by the server at 7 h."""
    session = field.session()
    send(field, session, *[make(session) for make in records])
    close_forgotten(now=hours(7))
    db.session.commit()
    return session


def test_late_records_are_stored_with_a_notice_and_move_the_end(field):
    session = closed_session(field, lambda s: field.encounter(s, occurred_at=at(10)))
    assert stored(session["uuid"]).ended_at == hours(10 / 60)
    late_note = field.note(session, written_at=at(90))
    late_scan = field.scan(session, field.zones[0], observed_at=at(70))
    before_start = field.encounter(session, occurred_at=at(-5))

    results = send(field, late_note, late_scan, before_start)

    assert [r["status"] for r in results] == ["created", "created", "invalid"]
    assert "automatisch gesloten" in results[0]["notice"]
    assert "notice" in results[1] and "notice" not in results[2]
    assert "occurred_at" in results[2]["errors"], "before the start is still refused"
    row = stored(session["uuid"])
    assert row.ended_at == hours(90 / 60), "the end moves to the latest record, never back"
    assert row.auto_closed_at == hours(7), "still the server's end"
    assert {n.uuid for n in row.notes} == {late_note["uuid"]}


def test_a_withdrawn_late_record_is_stored_but_does_not_move_the_end(field):
    session = closed_session(field)
    withdrawn = field.note(session, written_at=at(100), retracted=True)
    assert send(field, withdrawn)[0]["status"] == "created"
    assert stored(session["uuid"]).ended_at == stored(session["uuid"]).started_at


def test_the_resent_session_record_is_a_duplicate_with_a_notice(field):
    session = closed_session(field)
    (result,) = send(field, session)
    assert result["status"] == "duplicate" and "automatisch gesloten" in result["notice"]
    (conflict,) = send(field, {**session, "crowding": "busy"})
    assert conflict["status"] == "conflict", "other content at the same revision still is one"


def test_the_phones_own_end_is_accepted_once_as_the_real_end(field):
    session = closed_session(field, lambda s: field.encounter(s, occurred_at=at(10)))
    own_end = {**session, "revision": 2, "ended_at": at(55), "crowding": "busy"}

    (result,) = send(field, own_end)

    assert result["status"] == "updated" and "automatisch gesloten" in result["notice"]
    row = stored(session["uuid"])
    assert (row.ended_at, row.crowding, row.revision) == (hours(55 / 60), "busy", 2)
    assert row.auto_closed_at is None, "its end is the phone's now: an ordinary ended session"
    event = db.session.scalar(
        sa.select(AuditEvent).filter_by(entity_key=session["uuid"], action="update")
    )
    assert event.actor_id == field.fieldworker.id
    assert event.changes["ended_at"][1] is not None and event.changes["auto_closed_at"][1] is None
    again = send(field, {**own_end, "revision": 3, "ended_at": at(80)})
    assert again[0]["status"] == "invalid" and "revision" in again[0]["errors"]
    late = send(field, field.note(session, written_at=at(70)))
    assert late[0]["status"] == "invalid", "after the phone's end, the ordinary rules apply"


def test_a_correction_without_an_end_keeps_the_servers_end(field):
    session = closed_session(field, lambda s: field.note(s, written_at=at(20)))
    (result,) = send(field, {**session, "revision": 2, "crowding": "quiet"})
    assert result["status"] == "updated" and "notice" in result
    row = stored(session["uuid"])
    assert (row.crowding, row.ended_at, row.auto_closed_at) == ("quiet", hours(20 / 60), hours(7))
    (end,) = send(field, {**session, "revision": 3, "crowding": "quiet", "ended_at": at(45)})
    assert end["status"] == "updated" and stored(session["uuid"]).ended_at == hours(45 / 60)


def test_corrections_of_its_records_made_offline_are_stored(field):
    holder = {}

    def encounter(s):
        holder["encounter"] = field.encounter(s, occurred_at=at(10))
        return holder["encounter"]

    session = closed_session(field, encounter)
    corrected = {
        **holder["encounter"],
        "revision": 2,
        "relation": "strangers",
        "occurred_at": at(30),
    }
    (result,) = send(field, corrected)
    assert result["status"] == "updated" and "notice" in result
    row = db.session.scalar(sa.select(Encounter).filter_by(uuid=corrected["uuid"]))
    assert row.relation == "strangers"
    assert stored(session["uuid"]).ended_at == hours(30 / 60)


def test_ordinary_ended_sessions_keep_their_rules(field):
    session = field.session()
    send(field, session, {**session, "revision": 2, "ended_at": at(30)})
    (late,) = send(field, field.note(session, written_at=at(40)))
    assert late["status"] == "invalid" and "notice" not in late
