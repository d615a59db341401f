"""The sync service: every status, ordering, corrections and the checks on each record."""

import sqlalchemy as sa

from observations.extensions import db
from observations.models import (
    AuditEvent,
    Category,
    Encounter,
    FieldNote,
    Scan,
    ScanCount,
    Session,
)
from observations.sync import sync_records
from tests.sync.conftest import at


def statuses(results) -> list[str]:
    """Just the status of each result."""
    return [r["status"] for r in results]


def count(model) -> int:
    """Rows in a model's table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_whole_session_is_created(field):
    session = field.session()
    batch = [
        session,
        field.scan(session, field.zones[0]),
        field.encounter(session),
        field.note(session, zone=field.zones[1]),
    ]
    results = sync_records(field.fieldworker, batch)
    assert statuses(results) == ["created"] * 4
    assert [r["uuid"] for r in results] == [r["uuid"] for r in batch]
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=session["uuid"]))
    assert stored.fieldworker_id == field.fieldworker.id
    assert sorted(z.id for z in stored.zones) == field.zones
    assert stored.weather == ["indoors"] and stored.crowding == "moderate"
    scan = stored.scans[0]
    assert {(c.category, c.code, c.count) for c in scan.counts} == {
        ("age", "65+", 2),
        ("age", "25-64", 3),
        ("gender", "woman", 3),
        ("gender", "man", 2),
        ("activity", "reading_games", 4),
        ("activity", "conversing", 1),
    }
    assert sorted(scan.conditions) == ["accessible", "well_lit"]
    assert stored.encounters[0].flags == ["across_ages"]
    assert stored.notes[0].zone_id == field.zones[1]
    assert stored.codebook_version == 1 and stored.revision == 1


def test_the_same_batch_again_is_duplicate_and_changes_nothing(field):
    session = field.session()
    batch = [
        session,
        field.scan(session, field.zones[0]),
        field.encounter(session),
        field.note(session),
    ]
    sync_records(field.fieldworker, batch)
    before = [count(m) for m in (Session, Scan, ScanCount, Encounter, FieldNote, AuditEvent)]
    assert statuses(sync_records(field.fieldworker, batch)) == ["duplicate"] * 4
    after = [count(m) for m in (Session, Scan, ScanCount, Encounter, FieldNote, AuditEvent)]
    assert after == before


def test_same_uuid_and_revision_with_other_content_is_a_conflict(field):
    session = field.session()
    encounter = field.encounter(session)
    sync_records(field.fieldworker, [session, encounter])
    changed = {**encounter, "encounter_type": "conversation"}
    assert statuses(sync_records(field.fieldworker, [changed])) == ["conflict"]
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    db.session.refresh(stored)
    assert stored.encounter_type == "greeting", "the stored record is kept"


def test_a_correction_updates_and_is_audited(field):
    session = field.session()
    encounter = field.encounter(session)
    sync_records(field.fieldworker, [session, encounter])
    corrected = {**encounter, "revision": 2, "encounter_type": "conversation", "flags": []}
    assert statuses(sync_records(field.fieldworker, [corrected])) == ["updated"]
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    db.session.refresh(stored)
    assert (stored.revision, stored.encounter_type, stored.flags) == (2, "conversation", [])
    assert stored.updated_at is not None
    event = db.session.scalar(sa.select(AuditEvent).filter_by(entity_key=encounter["uuid"]))
    assert event.action == "update" and event.actor_id == field.fieldworker.id
    assert event.changes["encounter_type"] == ["greeting", "conversation"]
    assert event.changes["flags"] == [["across_ages"], []]
    assert statuses(sync_records(field.fieldworker, [corrected])) == ["duplicate"]
    assert statuses(sync_records(field.fieldworker, [encounter])) == ["duplicate"], (
        "an older revision than the stored one changes nothing"
    )


def test_a_correction_rewrites_only_the_child_rows_that_changed(field):
    """A session's end keeps its zones and weather rows as they are (no DELETE, no INSERT);
    a correction that changes them, or a scan's counts, replaces them."""
    session = field.session(weather=["rain_light"])
    scan = field.scan(session, field.zones[0])
    sync_records(field.fieldworker, [session, scan])
    written = []

    def note(_connection, _cursor, statement, *_args):
        verb, *words = statement.split()
        if verb in ("INSERT", "UPDATE", "DELETE"):  # INSERT INTO t, UPDATE t, DELETE FROM t
            written.append(f"{verb} {words[0] if verb == 'UPDATE' else words[1]}")

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        counts = {"age": {"0-14": 2, "25-64": 1}, "gender": {"man": 1, "woman": 2}}
        corrected = {**scan, "revision": 2, "counts": counts}
        assert statuses(sync_records(field.fieldworker, [corrected])) == ["updated"]
        assert {"DELETE scan_counts", "INSERT scan_counts"} <= set(written)
        assert not [w for w in written if w.endswith("scan_conditions")]
        written.clear()
        ended = {**session, "revision": 2, "ended_at": at(60)}
        assert statuses(sync_records(field.fieldworker, [ended])) == ["updated"]
        assert "UPDATE sessions" in written
        untouched = [w for w in written if w.endswith(("session_zones", "session_weather"))]
        assert untouched == []
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=session["uuid"]))
    db.session.refresh(stored)
    assert stored.weather == ["rain_light"]
    assert sorted(z.id for z in stored.zones) == sorted(session["zones"])
    rows = db.session.execute(
        sa.select(ScanCount.category, ScanCount.code, ScanCount.count)
        .join(Scan, Scan.id == ScanCount.scan_id)
        .filter(Scan.uuid == scan["uuid"])
    ).all()
    assert sorted(rows) == [("age", "0-14", 2), ("age", "25-64", 1), ("gender", "man", 1),
                            ("gender", "woman", 2)]  # fmt: skip


def test_undo_is_a_correction_that_retracts(field):
    session = field.session()
    note = field.note(session)
    sync_records(field.fieldworker, [session, note])
    sync_records(field.fieldworker, [{**note, "revision": 2, "retracted": True}])
    stored = db.session.scalar(sa.select(FieldNote).filter_by(uuid=note["uuid"]))
    db.session.refresh(stored)
    assert stored.retracted


def test_ended_session_is_read_only_but_late_records_still_arrive(field):
    session = field.session()
    encounter = field.encounter(session)
    ended = {**session, "revision": 2, "ended_at": at(60)}
    assert statuses(sync_records(field.fieldworker, [session, encounter, ended])) == [
        "created",
        "created",
        "updated",
    ]
    late = field.encounter(session, occurred_at=at(50))
    too_late = field.encounter(session, occurred_at=at(61))
    correction = {**encounter, "revision": 2, "relation": "strangers"}
    reopened = {**session, "revision": 3, "ended_at": None}
    results = sync_records(field.fieldworker, [late, too_late, correction, reopened])
    assert statuses(results) == ["created", "invalid", "invalid", "invalid"]
    assert "occurred_at" in results[1]["errors"]
    assert "revision" in results[2]["errors"]


def test_one_bad_record_never_rejects_the_rest(field):
    session = field.session()
    bad = field.encounter(session, encounter_type="hug")
    results = sync_records(field.fieldworker, [session, bad, field.note(session)])
    assert statuses(results) == ["created", "invalid", "created"]
    assert results[1]["errors"] == {"encounter_type": ["Onbekende code hug voor encounter_type."]}


def test_records_before_their_session_in_a_batch_are_stored(field):
    session = field.session()
    batch = [field.encounter(session), field.scan(session, field.zones[1]), session]
    assert statuses(sync_records(field.fieldworker, batch)) == ["created"] * 3


def test_a_session_of_another_fieldworker_is_invalid(field):
    session = field.session()
    sync_records(field.fieldworker, [session])
    results = sync_records(field.colleague, [field.encounter(session), session])
    assert statuses(results) == ["invalid", "invalid"]
    assert results[0]["errors"]["session"] == ["Deze sessie is van een andere veldwerker."]


def test_a_study_the_user_is_not_in_is_invalid(field):
    results = sync_records(field.outsider, [field.session()])
    assert statuses(results) == ["invalid"]
    assert "study" in results[0]["errors"]


def test_any_role_in_the_study_may_record(field):
    assert statuses(sync_records(field.lead, [field.session()])) == ["created"]


def test_retired_codes_stay_valid_for_older_codebook_versions(field):
    from observations.models import Codebook

    crowding = db.session.scalar(
        sa.select(Category).filter_by(study_id=field.study_id, key="crowding")
    )
    db.session.add(Codebook(study_id=field.study_id, version=2, note="drukte herzien"))
    next(c for c in crowding.codes if c.code == "crowded").retired_in = 2
    db.session.commit()
    old = field.session(crowding="crowded", codebook_version=1)
    new = field.session(crowding="crowded")
    results = sync_records(field.fieldworker, [old, new])
    assert statuses(results) == ["created", "invalid"]
    assert "crowding" in results[1]["errors"]
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=old["uuid"]))
    assert stored.codebook_version == 1


def test_invalid_records_say_what_is_wrong_per_field(field):
    session = field.session()
    sync_records(field.fieldworker, [session])
    cases = {
        "uuid": {**field.note(session), "uuid": "not-a-uuid"},
        "kind": {**field.note(session), "kind": "photo"},
        "text": {k: v for k, v in field.note(session).items() if k != "text"},
        "zone": field.scan(session, field.park_zone),
        "occurred_at": field.encounter(session, occurred_at=at(-5)),
        "written_at": field.note(session, written_at="gisteren"),
        "codebook_version": field.note(session, codebook_version=7),
        "counts": field.scan(session, field.zones[0], counts={"age": {"65+": -1}}),
        "revision": field.note(session, revision=0),
        "flags": field.encounter(session, flags=["hug"]),
        "parties": field.encounter(session, parties=3),
        "device_time": field.note(session, device_time="2026-05-01T10:00:00"),
        "observed_at": field.scan(session, field.zones[0], observed_at="0001-01-01T00:00:00+00:01"),
    }
    results = sync_records(field.fieldworker, list(cases.values()))
    for (name, _record), result in zip(cases.items(), results, strict=True):
        assert result["status"] == "invalid", name
        assert name in result["errors"], (name, result["errors"])


def test_session_checks_site_zones_slot_and_times(field):
    cases = {
        "site": field.session(site=field.elsewhere),
        "zones": field.session(zones=[field.park_zone]),
        "ended_at": field.session(ended_at=at(-1)),
        "weather": field.session(weather=["tornado"]),
        "temperature_c": field.session(temperature_c=99),
        "slot": field.session(slot=12345),
        "study": field.session(study="elders"),
        "started_at": field.session(started_at=""),
    }
    for blank in ("", " \r\n"):
        no_study = sync_records(field.fieldworker, [field.session(study=blank)])
        assert no_study[0]["errors"] == {"study": ["Dit veld is verplicht."]}
    session = field.session()
    blank_note = sync_records(field.fieldworker, [session, field.note(session, text="  ")])
    assert blank_note[1]["errors"] == {"text": ["Dit veld is verplicht."]}
    results = sync_records(field.fieldworker, list(cases.values()))
    for (name, _record), result in zip(cases.items(), results, strict=True):
        assert result["status"] == "invalid" and name in result["errors"], (name, result)


def test_scan_counts_reject_unknown_categories_and_codes(field):
    session = field.session()
    results = sync_records(
        field.fieldworker,
        [
            session,
            field.scan(session, field.zones[0], counts={"ethnicity": {"x": 1}}),
            field.scan(session, field.zones[0], counts={"age": {"old": 1}}),
            field.scan(session, field.zones[0], counts={"conditions": {"empty": 1}}),
        ],
    )
    assert statuses(results) == ["created", "invalid", "invalid", "invalid"]


def test_a_record_that_is_not_an_object_is_invalid(field):
    results = sync_records(field.fieldworker, ["hello", None, 5])
    assert statuses(results) == ["invalid"] * 3
    assert results[0] == {
        "uuid": None,
        "status": "invalid",
        "errors": {"record": ["Een record is een object met velden."]},
    }


def test_a_record_the_database_refuses_is_isolated(field, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from observations.sync import store

    session = field.session()
    poisoned = field.note(session)
    real = store.row_of

    # Both ways of storing (one record, or the batch's new records together) make the row
    # here: the database "refuses" the poisoned one whichever way it is stored.
    def refuse_one(parsed, owner):
        if parsed.uuid == poisoned["uuid"]:
            raise IntegrityError("INSERT", {}, Exception("refused"))
        return real(parsed, owner)

    monkeypatch.setattr(store, "row_of", refuse_one)
    results = sync_records(field.fieldworker, [session, poisoned, field.encounter(session)])
    assert statuses(results) == ["created", "invalid", "created"]
    assert count(Session) == 1 and count(Encounter) == 1 and count(FieldNote) == 0


def test_stored_records_come_back_in_the_format_they_were_sent(field):
    from observations.sync.records import load_session, session_records

    session = field.session(temperature_c=7.5)
    batch = [
        session,
        field.scan(session, field.zones[0]),
        field.encounter(session, note="x"),
        field.note(session),
    ]
    sync_records(field.fieldworker, batch)
    stored = load_session(field.study_id, session["uuid"])
    returned = session_records(stored)
    assert [r["uuid"] for r in returned] == [r["uuid"] for r in batch]
    assert statuses(sync_records(field.fieldworker, returned)) == ["duplicate"] * 4
    corrected = [{**r, "revision": 2} for r in returned[1:]]
    assert statuses(sync_records(field.fieldworker, corrected)) == ["updated"] * 3
    assert not [
        e
        for e in db.session.scalars(sa.select(AuditEvent).filter_by(action="update"))
        if e.changes != {}
    ], "the same content as a correction changes no field"


def test_retracted_records_leave_the_figures(field):
    from observations import indicators
    from observations.models import Study

    session = field.session()
    kept, undone = field.encounter(session), field.encounter(session)
    sync_records(field.fieldworker, [session, kept, undone])
    study = db.session.get(Study, field.study_id)
    assert indicators.site_overview(study)[0]["encounters"] == 2
    retraction = sync_records(field.fieldworker, [{**undone, "revision": 2, "retracted": True}])
    assert statuses(retraction) == ["updated"]
    library = next(r for r in indicators.site_overview(study) if r["site"].id == field.site)
    assert library["encounters"] == 1
    assert indicators.recent_sessions(study)[0]["encounters"] == 1
