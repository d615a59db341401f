"""People-moving counts (record kind `passers`): stored exactly once, corrected by a higher
revision, and only at a counting line of the session."""

import pytest
import sqlalchemy as sa

from observations import sites as places
from observations.extensions import db
from observations.models import AuditEvent, PasserCount, PasserTally, Session, Zone
from observations.sync import sync_records
from observations.sync.records import load_session, session_records
from observations.validation import Invalid
from tests.sync.conftest import at, passers


def statuses(results) -> list[str]:
    return [r["status"] for r in results]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def tallies(record: dict) -> dict[str, dict[str, int]]:
    """The stored counts of a record, as {category: {code: people}}."""
    stored = db.session.scalar(sa.select(PasserCount).filter_by(uuid=record["uuid"]))
    db.session.refresh(stored)
    found: dict[str, dict[str, int]] = {}
    for row in stored.tallies:
        found.setdefault(row.category, {})[row.code] = row.count
    return found


@pytest.fixture
def line(field):
    """The library's entrance, marked as a counting line; returns its id."""
    db.session.get(Zone, field.zones[0]).counting_line = True
    db.session.commit()
    return field.zones[0]


def test_a_count_is_created_with_its_tallies_and_zero_counts_dropped(field, line):
    session = field.session()
    record = passers(session, line)
    results = sync_records(field.fieldworker, [session, record])
    assert statuses(results) == ["created", "created"]
    stored = db.session.scalar(sa.select(PasserCount).filter_by(uuid=record["uuid"]))
    assert (stored.zone_id, stored.minutes, stored.revision) == (line, 10, 1)
    assert stored.session.uuid == session["uuid"] and stored.study_id == field.study_id
    assert tallies(record) == {
        "age": {"0-14": 5, "25-64": 25},
        "gender": {"man": 15, "woman": 17},
        "group": {"alone": 20, "pair": 12},
        "mode": {"bicycle": 4, "on_foot": 30, "pushchair": 2, "wheelchair": 1},
    }


def test_minutes_default_to_ten_and_only_the_modes_are_required(field, line):
    session = field.session()
    record = passers(session, line, counts={"mode": {"on_foot": 3}})
    del record["minutes"]
    assert statuses(sync_records(field.fieldworker, [session, record])) == ["created"] * 2
    assert db.session.scalar(sa.select(PasserCount.minutes)) == 10
    assert tallies(record) == {"mode": {"on_foot": 3}}


def test_a_resend_is_duplicate_and_changes_nothing(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, record])
    before = [count(m) for m in (PasserCount, PasserTally, AuditEvent)]
    # Key order and zero counts do not make a different record.
    again = {**record, "counts": {**record["counts"], "mode": {"other": 0, "on_foot": 30,
             "pushchair": 2, "wheelchair": 1, "bicycle": 4}}}  # fmt: skip
    assert statuses(sync_records(field.fieldworker, [session, again])) == ["duplicate"] * 2
    assert [count(m) for m in (PasserCount, PasserTally, AuditEvent)] == before


def test_a_higher_revision_replaces_the_counts_and_is_audited(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, record])
    corrected = {**record, "revision": 2, "minutes": 15, "counts": {"mode": {"on_foot": 31}}}
    assert statuses(sync_records(field.fieldworker, [corrected])) == ["updated"]
    stored = db.session.scalar(sa.select(PasserCount).filter_by(uuid=record["uuid"]))
    assert (stored.revision, stored.minutes) == (2, 15)
    assert tallies(record) == {"mode": {"on_foot": 31}}
    event = db.session.scalar(sa.select(AuditEvent).filter_by(entity="passers"))
    assert event.action == "update" and event.entity_key == record["uuid"]
    assert event.changes["minutes"] == [10, 15]
    # The older version arriving late is a duplicate: the correction stays.
    assert statuses(sync_records(field.fieldworker, [record])) == ["duplicate"]
    assert tallies(record) == {"mode": {"on_foot": 31}}


def test_same_revision_with_other_counts_is_a_conflict_and_the_stored_one_stays(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, record])
    other = {**record, "counts": {"mode": {"on_foot": 99}}}
    assert statuses(sync_records(field.fieldworker, [other])) == ["conflict"]
    assert tallies(record)["mode"]["on_foot"] == 30


def test_an_undo_retracts_the_count(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, record])
    undo = {**record, "revision": 2, "retracted": True}
    assert statuses(sync_records(field.fieldworker, [undo])) == ["updated"]
    assert db.session.scalar(sa.select(PasserCount.retracted)) is True


def test_no_correction_after_the_session_ended(field, line):
    session = field.session()
    record = passers(session, line)
    ended = {**session, "revision": 2, "ended_at": at(60)}
    sync_records(field.fieldworker, [session, record, ended])
    late = {**record, "revision": 2, "counts": {"mode": {"on_foot": 1}}}
    result = sync_records(field.fieldworker, [late])[0]
    assert result["status"] == "invalid" and "revision" in result["errors"]


def test_a_zone_that_is_no_counting_line_is_refused(field, line):
    session = field.session()
    sync_records(field.fieldworker, [session])
    not_a_line = sync_records(field.fieldworker, [passers(session, field.zones[1])])[0]
    assert not_a_line["status"] == "invalid"
    assert "geen tellijn" in not_a_line["errors"]["zone"][0]
    other_site = sync_records(field.fieldworker, [passers(session, field.park_zone)])[0]
    assert other_site["status"] == "invalid" and list(other_site["errors"]) == ["zone"]
    missing = passers(session, line)
    del missing["zone"]
    assert sync_records(field.fieldworker, [missing])[0]["errors"]["zone"]
    assert count(PasserCount) == 0


def test_a_counting_line_the_session_does_not_watch_is_refused(field, line):
    session = field.session(zones=[field.zones[1]])
    sync_records(field.fieldworker, [session])
    result = sync_records(field.fieldworker, [passers(session, line)])[0]
    assert result["status"] == "invalid"
    assert "zones van deze sessie" in result["errors"]["zone"][0]


def test_a_stored_count_keeps_its_zone_after_the_line_is_unmarked(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, record])
    db.session.get(Zone, line).counting_line = False
    db.session.commit()
    assert statuses(sync_records(field.fieldworker, [record])) == ["duplicate"]
    undo = {**record, "revision": 2, "retracted": True}
    assert statuses(sync_records(field.fieldworker, [undo])) == ["updated"]
    fresh = sync_records(field.fieldworker, [passers(session, line)])[0]
    assert fresh["status"] == "invalid" and "zone" in fresh["errors"]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"gender": {"man": 1}}, "per vervoerswijze"),
        ({"mode": {"on_foot": -1}}, "0 tot en met 99999"),
        ({"mode": {"on_foot": 1.5}}, "geheel getal"),
        ({"mode": {"car": 1}}, "Onbekende code car voor mode"),
        ({"mode": {"on_foot": 2}, "posture": {"standing": 1}}, "Onbekende categorie posture"),
        ({"mode": {"on_foot": 2}, "gender": {"x": 1}}, "Onbekende code x voor gender"),
        ({"mode": {"on_foot": 2}, "age": {"25-64": 3}}, "3 mensen geteld naar age, maar 2"),
        ({"mode": {"on_foot": 2}, "group": {"alone": 1, "pair": 2}}, "iedere passant"),
        ({"mode": {"on_foot": 2}, "group": []}, "{category: {code: number}}"),
        ([1, 2], "{category: {code: number}}"),
    ],
)
def test_invalid_counts_are_refused_with_a_message(field, line, counts, message):
    session = field.session()
    sync_records(field.fieldworker, [session])
    result = sync_records(field.fieldworker, [passers(session, line, counts=counts)])[0]
    assert result["status"] == "invalid"
    assert list(result["errors"]) == ["counts"]
    assert message in result["errors"]["counts"][0]
    assert count(PasserCount) == 0


@pytest.mark.parametrize("minutes", [0, 61, "10", True])
def test_minutes_lie_between_one_and_sixty(field, line, minutes):
    session = field.session()
    sync_records(field.fieldworker, [session])
    result = sync_records(field.fieldworker, [passers(session, line, minutes=minutes)])[0]
    assert result["status"] == "invalid" and list(result["errors"]) == ["minutes"]


def test_a_count_before_the_session_started_is_refused(field, line):
    session = field.session()
    sync_records(field.fieldworker, [session])
    result = sync_records(field.fieldworker, [passers(session, line, started_at=at(-5))])[0]
    assert result["status"] == "invalid" and "started_at" in result["errors"]


def test_another_fieldworkers_session_takes_no_counts(field, line):
    session = field.session()
    sync_records(field.fieldworker, [session])
    result = sync_records(field.colleague, [passers(session, line)])[0]
    assert result["status"] == "invalid" and "session" in result["errors"]


def test_the_session_with_its_counts_can_be_continued_elsewhere(field, line):
    session = field.session()
    record = passers(session, line)
    sync_records(field.fieldworker, [session, field.scan(session, line), record])
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=session["uuid"]))
    sent = [r for r in session_records(load_session(field.study_id, stored.uuid))]
    assert [r["kind"] for r in sent] == ["session", "scan", "passers"]
    again = sent[-1]
    assert again["counts"]["mode"]["on_foot"] == 30 and again["minutes"] == 10
    # What the server gives back is what the phone sent: a resend of it is a duplicate.
    assert statuses(sync_records(field.fieldworker, sent)) == ["duplicate"] * 3


def test_a_zone_with_counts_is_archived_never_deleted(field, line):
    session = field.session()
    sync_records(field.fieldworker, [session, passers(session, line)])
    zone = db.session.get(Zone, line)
    assert places.zone_in_use(zone)
    with pytest.raises(Invalid):
        places.delete_zone(zone)


def test_an_ended_session_with_counts_keeps_its_indicator_facts(field, line):
    from observations.models import HourFact

    session = field.session()
    ended = {**session, "revision": 2, "ended_at": at(60)}
    batch = [session, field.scan(session, line), passers(session, line), ended]
    assert statuses(sync_records(field.fieldworker, batch)) == ["created"] * 3 + ["updated"]
    facts_before = count(HourFact)
    assert facts_before > 0
    retract = {**passers(session, line), "revision": 1}
    # A new count in an ended session is stored; the facts (of scans) stay as they are.
    assert statuses(sync_records(field.fieldworker, [retract])) == ["created"]
    assert count(HourFact) == facts_before
