"""Corrections by leads and coordinators: every kind, old → new, the sync rules, revisions."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import (
    AuditEvent,
    Correction,
    Encounter,
    FieldNote,
    Membership,
    Scan,
    Session,
)
from observations.review.corrections import CorrectionRefused, RecordNotFound, correct
from observations.sync import sync_records
from observations.sync.fields import iso
from tests.sync.conftest import START, at

REASON = "Veldwerker meldde een tikfout."


def refused(records, kind, uuid, changes, reason=REASON) -> dict:
    """The messages of a refused correction (nothing may have changed)."""
    with pytest.raises(CorrectionRefused) as caught:
        correct(records.study, kind, uuid, changes, reason, records.lead)
    db.session.rollback()
    return caught.value.errors


def sync_errors(records, record) -> dict:
    """What the sync path answers for the same record sent as new."""
    (result,) = sync_records(records.fieldworker, [record])
    db.session.rollback()
    assert result["status"] == "invalid", result
    return result["errors"]


def events(uuid: str) -> list[AuditEvent]:
    """The "correct" audit events of a record."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .filter_by(action="correct", entity_key=uuid)
            .order_by(AuditEvent.id)
        )
    )


def test_a_session_is_corrected_with_old_and_new(records):
    session = records.synced()["session"]
    correction = correct(
        records.study,
        "session",
        session["uuid"],
        {"crowding": "busy", "weather": ["rain_light", "indoors"], "temperature_c": 14.5},
        REASON,
        records.lead,
    )
    db.session.commit()
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=session["uuid"]))
    assert stored.crowding == "busy" and sorted(stored.weather) == ["indoors", "rain_light"]
    assert stored.temperature_c == 14.5
    assert stored.revision == 2 and stored.updated_at is not None
    assert correction.revision == 2 and correction.session_id == stored.id
    assert correction.record_kind == "session" and correction.actor_id == records.lead.id
    assert correction.changes == {
        "crowding": ["moderate", "busy"],
        "weather": [["indoors"], ["indoors", "rain_light"]],
        "temperature_c": [None, 14.5],
    }
    (event,) = events(session["uuid"])
    assert event.entity == "session" and event.actor_id == records.lead.id
    assert event.changes == {**correction.changes, "reason": REASON}
    assert event.study_id == records.study.id


def test_scan_counts_are_corrected_per_category_and_code(records):
    scan = records.synced()["scan"]
    counts = {
        "age": {"65+": 3, "25-64": 3},
        "gender": {"woman": 4, "man": 2},
        "activity": {"reading_games": 4, "conversing": 1},
    }
    correction = correct(
        records.study,
        "scan",
        scan["uuid"],
        {"counts": counts, "conditions": ["accessible"]},
        REASON,
        records.coordinator,
    )
    db.session.commit()
    assert correction.changes == {
        "counts.age.65+": [2, 3],
        "counts.gender.woman": [3, 4],
        "conditions": [["accessible", "well_lit"], ["accessible"]],
    }
    stored = db.session.scalar(sa.select(Scan).filter_by(uuid=scan["uuid"]))
    assert {(c.category, c.code): c.count for c in stored.counts}[("age", "65+")] == 3
    assert stored.conditions == ["accessible"] and stored.revision == 2
    assert events(scan["uuid"])[0].actor_id == records.coordinator.id


def test_a_count_set_to_zero_disappears(records):
    scan = records.synced()["scan"]
    counts = {
        "age": {"25-64": 3},
        "gender": {"woman": 1, "man": 2},
        "activity": {"reading_games": 2, "conversing": 1},
    }
    correction = correct(
        records.study, "scan", scan["uuid"], {"counts": counts}, REASON, records.lead
    )
    assert correction.changes["counts.age.65+"] == [2, 0]
    assert correction.changes["counts.activity.reading_games"] == [4, 2]


def test_a_mistyped_relation_code_is_corrected(records):
    encounter = records.synced()["encounter"]
    correction = correct(
        records.study,
        "encounter",
        encounter["uuid"],
        {"relation": "acquaintances", "flags": [], "note": "Samen bij de krant."},
        REASON,
        records.lead,
    )
    db.session.commit()
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert stored.relation == "acquaintances" and stored.flags == [] and stored.revision == 2
    assert correction.changes == {
        "relation": ["recognised", "acquaintances"],
        "flags": [["across_ages"], []],
        "note": ["", "Samen bij de krant."],
    }


def test_a_note_is_corrected_and_times_are_iso(records):
    note = records.synced()["note"]
    later = START + timedelta(minutes=20)
    correction = correct(
        records.study,
        "note",
        note["uuid"],
        {"text": "Drukte bij de leestafels.", "written_at": later, "zone": records.zones[1]},
        REASON,
        records.lead,
    )
    db.session.commit()
    stored = db.session.scalar(sa.select(FieldNote).filter_by(uuid=note["uuid"]))
    assert stored.text == "Drukte bij de leestafels." and stored.zone_id == records.zones[1]
    assert correction.changes["text"] == ["Drukte bij de koffiebar.", "Drukte bij de leestafels."]
    assert correction.changes["written_at"][1] == iso(later)
    assert correction.changes["zone"] == [None, records.zones[1]]


def test_several_corrections_each_raise_the_revision(records):
    encounter = records.synced()["encounter"]
    for n, relation in enumerate(("strangers", "acquaintances"), start=2):
        correction = correct(
            records.study,
            "encounter",
            encounter["uuid"],
            {"relation": relation},
            REASON,
            records.lead,
        )
        assert correction.revision == n
    db.session.commit()
    assert len(events(encounter["uuid"])) == 2
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert stored.revision == 3


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_the_reason_is_required(records, reason):
    encounter = records.synced()["encounter"]
    errors = refused(records, "encounter", encounter["uuid"], {"relation": "strangers"}, reason)
    assert list(errors) == ["reason"] and errors["reason"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Correction)) == 0
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert stored.relation == "recognised" and stored.revision == 1


def test_a_reason_too_long_is_refused(records):
    encounter = records.synced()["encounter"]
    errors = refused(records, "encounter", encounter["uuid"], {"relation": "strangers"}, "x" * 2001)
    assert "2000" in errors["reason"][0]


def test_nothing_differs_nothing_changes(records):
    encounter = records.synced()["encounter"]
    errors = refused(records, "encounter", encounter["uuid"], {"relation": "recognised"})
    assert "Er verschilt niets" in errors["record"][0]
    assert events(encounter["uuid"]) == []
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert stored.revision == 1 and stored.updated_at is None


def test_an_unknown_code_gets_the_sync_message(records):
    encounter = records.synced()["encounter"]
    errors = refused(records, "encounter", encounter["uuid"], {"relation": "vrienden"})
    session = records.session()
    sync_records(records.fieldworker, [session])
    expected = sync_errors(records, records.encounter(session, relation="vrienden"))
    assert errors == expected and list(errors) == ["relation"]


def test_a_time_outside_the_session_gets_the_sync_message(records):
    synced = records.synced()
    errors = refused(records, "note", synced["note"]["uuid"], {"written_at": at(90)})
    expected = sync_errors(records, records.note(synced["session"], written_at=at(90)))
    assert errors == expected and list(errors) == ["written_at"]


def test_broken_scan_arithmetic_gets_the_sync_message(records):
    synced = records.synced()
    counts = {"age": {"65+": 9}, "gender": {"woman": 3}}
    errors = refused(records, "scan", synced["scan"]["uuid"], {"counts": counts})
    expected = sync_errors(
        records, records.scan(synced["session"], records.zones[0], counts=counts)
    )
    assert errors == expected and list(errors) == ["counts"]


def test_a_zone_of_another_site_is_refused(records):
    scan = records.synced()["scan"]
    errors = refused(records, "scan", scan["uuid"], {"zone": records.park_zone})
    assert list(errors) == ["zone"]


def test_the_site_of_a_session_stays(records):
    session = records.synced()["session"]
    errors = refused(records, "session", session["uuid"], {"site": records.park})
    assert list(errors) == ["site"]


def test_a_field_of_another_kind_is_refused(records):
    note = records.synced()["note"]
    assert list(refused(records, "note", note["uuid"], {"relation": "strangers"})) == ["relation"]


def test_a_withdrawn_record_is_refused(records):
    synced = records.synced(ended=False)
    withdrawn = {**synced["encounter"], "revision": 2, "retracted": True}
    assert sync_records(records.fieldworker, [withdrawn])[0]["status"] == "updated"
    errors = refused(records, "encounter", withdrawn["uuid"], {"relation": "strangers"})
    assert list(errors) == ["record"]


def test_an_open_session_is_corrected_but_not_ended(records):
    synced = records.synced(ended=False)
    uuid = synced["session"]["uuid"]
    assert list(refused(records, "session", uuid, {"ended_at": at(60)})) == ["ended_at"]
    correction = correct(
        records.study, "session", uuid, {"crowding": "quiet"}, REASON, records.lead
    )
    assert correction.changes == {"crowding": ["moderate", "quiet"]}


def test_an_ended_session_keeps_an_end_but_it_may_move(records):
    uuid = records.synced()["session"]["uuid"]
    assert list(refused(records, "session", uuid, {"ended_at": None})) == ["ended_at"]
    correction = correct(records.study, "session", uuid, {"ended_at": at(75)}, REASON, records.lead)
    assert correction.changes["ended_at"][1] == iso(START + timedelta(minutes=75))


def test_new_session_times_keep_its_records_inside(records):
    uuid = records.synced()["session"]["uuid"]
    errors = refused(records, "session", uuid, {"started_at": at(12)})
    assert list(errors) == ["started_at"] and "2" in errors["started_at"][0]  # scan and encounter
    errors = refused(records, "session", uuid, {"ended_at": at(1)})
    assert list(errors) == ["started_at"]


def test_the_sessions_end_before_its_start_gets_the_sync_message(records):
    uuid = records.synced()["session"]["uuid"]
    errors = refused(records, "session", uuid, {"started_at": at(70)})
    session = records.session(started_at=at(70), ended_at=at(60))
    assert errors == sync_errors(records, session) and list(errors) == ["ended_at"]


def test_a_phones_stale_correction_becomes_a_conflict(records):
    synced = records.synced(ended=False)
    encounter = synced["encounter"]
    correct(
        records.study,
        "encounter",
        encounter["uuid"],
        {"relation": "strangers"},
        REASON,
        records.lead,
    )
    db.session.commit()
    stale = {**encounter, "revision": 2, "relation": "acquaintances"}
    (result,) = sync_records(records.fieldworker, [stale])
    assert result["status"] == "conflict"
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert stored.relation == "strangers" and stored.revision == 2


def test_a_record_of_another_study_is_not_found(records):
    encounter = records.synced()["encounter"]
    with pytest.raises(RecordNotFound):
        correct(
            records.other,
            "encounter",
            encounter["uuid"],
            {"relation": "strangers"},
            REASON,
            records.lead,
        )
    with pytest.raises(RecordNotFound):
        correct(records.study, "scan", encounter["uuid"], {}, REASON, records.lead)


def test_records_of_a_fieldworker_who_left_can_be_corrected(records):
    encounter = records.synced()["encounter"]
    membership = db.session.scalar(
        sa.select(Membership).filter_by(user_id=records.fieldworker.id, study_id=records.study.id)
    )
    membership.active = False
    db.session.commit()
    correction = correct(
        records.study,
        "encounter",
        encounter["uuid"],
        {"relation": "strangers"},
        REASON,
        records.lead,
    )
    assert correction.revision == 2
