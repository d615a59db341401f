"""A batch's new records stored together (sync/bulk.py): each still gets its own verdict,
in order, as if the records had been stored one by one."""

import sqlalchemy as sa

from observations import accounts
from observations.extensions import db
from observations.models import Encounter, EncounterFlag, HourFact, Scan, ScanCount, Study
from observations.sync import sync_records
from tests.sync.conftest import at
from tests.sync.test_sync_service import count, statuses


def statements_of(action) -> list[str]:
    """The SQL statements `action` sends to the database."""
    sent = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return sent


def test_fifty_new_encounters_take_one_insert_and_one_for_their_flags(field):
    session = field.session()
    sync_records(field.fieldworker, [session])
    db.session.commit()
    batch = [field.encounter(session, flags=["across_ages", "via_object"]) for _ in range(50)]
    results = []
    sent = statements_of(lambda: results.extend(sync_records(field.fieldworker, batch)))
    assert statuses(results) == ["created"] * 50
    assert [r["uuid"] for r in results] == [r["uuid"] for r in batch]
    inserts = [s for s in sent if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) <= 2 * 2  # encounters and flags (a driver may split a long VALUES)
    assert len(sent) < 15
    assert count(Encounter) == 50 and count(EncounterFlag) == 100


def test_each_record_of_a_mixed_batch_gets_its_own_verdict_in_order(field):
    session = field.session()
    kept = field.encounter(session)
    corrected = field.encounter(session)
    clashing = field.encounter(session)
    sync_records(field.fieldworker, [session, kept, corrected, clashing])
    new = field.encounter(session)
    scan = field.scan(session, field.zones[0])
    batch = [
        new,
        kept,
        {**corrected, "revision": 2, "relation": "acquaintances"},
        scan,
        {**clashing, "encounter_type": "conversation"},
        {**new},  # the same record twice in one batch
    ]
    assert statuses(sync_records(field.fieldworker, batch)) == [
        "created",
        "duplicate",
        "updated",
        "created",
        "conflict",
        "duplicate",
    ]
    relations = dict(db.session.execute(sa.select(Encounter.uuid, Encounter.relation)).all())
    assert relations[corrected["uuid"]] == "acquaintances"
    assert count(Encounter) == 4 and count(Scan) == 1 and count(ScanCount) == 6


def test_a_record_and_its_correction_in_one_batch_are_created_then_updated(field):
    session = field.session()
    note = field.note(session)
    batch = [session, note, {**note, "revision": 2, "text": "Later: rustiger."}]
    assert statuses(sync_records(field.fieldworker, batch)) == ["created"] * 2 + ["updated"]
    stored = db.session.scalar(sa.text("SELECT text FROM field_notes"))
    assert stored == "Later: rustiger." and count(Encounter) == 0


def test_the_same_uuid_twice_in_one_batch_with_other_content_is_a_conflict(field):
    session = field.session()
    encounter = field.encounter(session)
    batch = [session, encounter, {**encounter, "encounter_type": "conversation"}]
    assert statuses(sync_records(field.fieldworker, batch)) == ["created", "created", "conflict"]
    assert db.session.scalar(sa.select(Encounter.encounter_type)) == "greeting"


def test_the_facts_count_the_records_stored_with_the_end_in_the_same_batch(field):
    session = field.session()
    sync_records(field.fieldworker, [session])
    encounters = [field.encounter(session) for _ in range(3)]
    ended = {**session, "revision": 2, "ended_at": at(60)}
    late = field.encounter(session, occurred_at=at(50))
    results = sync_records(field.fieldworker, [*encounters, ended, late])
    assert statuses(results) == ["created"] * 3 + ["updated", "created"]
    assert db.session.scalar(sa.select(sa.func.sum(HourFact.encounters))) == 4


def test_a_batch_can_hold_records_of_two_studies(field):
    accounts.add_member(db.session.get(Study, field.other_id), field.fieldworker, "fieldworker")
    db.session.commit()
    first = field.session()
    second = field.session(study="elders", site=field.elsewhere, zones=[field.elsewhere_zone])
    batch = [first, second, field.encounter(first), field.encounter(second), field.encounter(first)]
    assert statuses(sync_records(field.fieldworker, batch)) == ["created"] * 5
    per_study = dict(
        db.session.execute(
            sa.select(Encounter.study_id, sa.func.count()).group_by(Encounter.study_id)
        ).all()
    )
    assert per_study == {field.study_id: 2, field.other_id: 1}
