"""Hostile and careless records: each one is that record's `invalid`, the rest are stored.

A record with a string the database cannot store (a lone surrogate, a NUL) used to fail the
whole batch with a server error, and the phone retries its oldest batch on a 5xx, so one
such record blocked a fieldworker's queue for good.
"""

import json

import pytest
import sqlalchemy as sa

from observations import studies
from observations.extensions import db
from observations.models import Encounter, FieldNote, Membership, Session, Study
from observations.sync import sync_records
from observations.text import rule_of

SURROGATE = "a\ud800b"
NUL = "a\x00b"


def count(model) -> int:
    """Rows in a model's table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def bad_records(field, session: dict, value: str) -> dict[str, dict]:
    """One record per field that carries a string, each with `value` in that field."""
    zone = field.zones[0]
    return {
        "uuid": field.note(session, uuid=value),
        "kind": field.note(session, kind=value),
        "study": field.session(study=value),
        "session": {**field.note(session), "session": value},
        "device_time": field.note(session, device_time=value),
        "written_at": field.note(session, written_at=value),
        "text": field.note(session, text=value),
        "note": field.encounter(session, note=value),
        "encounter_type": field.encounter(session, encounter_type=value),
        "parties": field.encounter(session, parties=value),
        "flags": field.encounter(session, flags=["across_ages", value]),
        "weather": field.session(weather=[value]),
        "crowding": field.session(crowding=value),
        "conditions": field.scan(session, zone, conditions=[value]),
        "counts": field.scan(session, zone, counts={"age": {value: 1}}),
        "zones": field.session(zones=[field.zones[0], value]),
    }


@pytest.mark.parametrize("value", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_an_unstorable_string_in_any_field_makes_only_that_record_invalid(field, value):
    session = field.session()
    cases = bad_records(field, session, value)
    good = field.note(session)
    results = sync_records(field.fieldworker, [session, *cases.values(), good])
    assert results[0]["status"] == "created" and results[-1]["status"] == "created"
    for (name, _record), result in zip(cases.items(), results[1:-1], strict=True):
        assert result["status"] == "invalid", name
        assert name in result["errors"], (name, result["errors"])
    assert count(Session) == 1 and count(FieldNote) == 1 and count(Encounter) == 0
    # The answer can always be written as JSON, whatever was echoed.
    json.dumps(results)


def test_the_broken_character_is_named_in_the_users_language(field):
    session = field.session()
    results = sync_records(field.fieldworker, [session, field.note(session, text=SURROGATE)])
    assert results[1]["errors"] == {
        "text": [
            "De tekst bevat een kapot teken (de helft van een emoji of symbool). Typ het opnieuw."
        ]
    }


def test_a_note_keeps_its_line_breaks_but_not_other_control_characters(field):
    session = field.session()
    results = sync_records(
        field.fieldworker,
        [
            session,
            field.note(session, text="eerste regel\nTweede regel\ttab"),
            field.note(session, text="bel\x07"),
            field.encounter(session, note="twee\nregels"),
        ],
    )
    assert [r["status"] for r in results] == ["created", "created", "invalid", "invalid"]
    assert "onzichtbaar stuurteken" in results[2]["errors"]["text"][0]
    assert "onzichtbaar stuurteken" in results[3]["errors"]["note"][0]


def test_text_lengths_are_the_models_own(field):
    session = field.session()
    longest_note = rule_of(Encounter.note).longest
    longest_text = rule_of(FieldNote.text).longest
    results = sync_records(
        field.fieldworker,
        [
            session,
            field.encounter(session, note="x" * longest_note),
            field.encounter(session, note="x" * (longest_note + 1)),
            field.note(session, text="x" * longest_text),
            field.note(session, text="x" * (longest_text + 1)),
        ],
    )
    assert [r["status"] for r in results] == ["created", "created", "invalid", "created", "invalid"]
    assert results[2]["errors"]["note"] == [
        f"Hoogstens {longest_note} tekens; dit zijn er {longest_note + 1}."
    ]


@pytest.mark.parametrize("uuid", [[1, 2], {"a": 1}, 17, 1.5, True, None, [[[[[]]]]]], ids=repr)
def test_a_uuid_that_is_no_string_is_not_echoed(field, uuid):
    results = sync_records(field.fieldworker, [{"uuid": uuid, "kind": "note"}])
    assert results[0]["uuid"] is None and results[0]["status"] == "invalid"
    assert results[0]["errors"]["uuid"]


def test_a_uuid_string_is_echoed_even_when_invalid(field):
    results = sync_records(field.fieldworker, [{"uuid": "nope", "kind": "note"}])
    assert results[0]["uuid"] == "nope"


def test_values_that_are_not_codes_are_not_echoed(field):
    session = field.session()
    nested = [[["deep"]]]
    long = "x" * 5000
    results = sync_records(
        field.fieldworker,
        [
            session,
            field.encounter(session, encounter_type=nested),
            field.encounter(session, parties=long),
            field.encounter(session, relation="vreemden"),
        ],
    )
    assert results[1]["errors"]["encounter_type"] == ["Kies een van de codes van encounter_type."]
    assert results[2]["errors"]["parties"] == ["Kies een van de codes van parties."]
    assert results[3]["errors"]["relation"] == ["Onbekende code vreemden voor relation."]


def deactivate(field) -> None:
    """End the fieldworker's membership of the sync study."""
    membership = db.session.scalar(
        sa.select(Membership).filter_by(user_id=field.fieldworker.id, study_id=field.study_id)
    )
    membership.active = False
    db.session.commit()


def test_a_deactivated_member_is_told_the_membership_ended(field):
    session = field.session()
    assert sync_records(field.fieldworker, [session])[0]["status"] == "created"
    deactivate(field)
    results = sync_records(field.fieldworker, [field.session(), field.note(session)])
    message = (
        "Je lidmaatschap van studie Sync is beëindigd; je records blijven op deze telefoon. "
        "Vraag het je coördinator."
    )
    assert [r["status"] for r in results] == ["invalid", "invalid"]
    assert results[0]["errors"] == {"study": [message]}
    assert results[1]["errors"] == {"study": [message]}
    assert "andere veldwerker" not in json.dumps(results, ensure_ascii=False)


def test_another_fieldworkers_session_still_says_so(field):
    session = field.session()
    sync_records(field.fieldworker, [session])
    result = sync_records(field.colleague, [field.note(session)])[0]
    assert result["errors"] == {"session": ["Deze sessie is van een andere veldwerker."]}


def test_an_archived_study_refuses_every_new_record(field):
    session = field.session()
    assert sync_records(field.fieldworker, [session])[0]["status"] == "created"
    studies.archive_study(db.session.get(Study, field.study_id))
    db.session.commit()
    results = sync_records(
        field.fieldworker,
        [field.session(), field.note(session), field.encounter(session)],
    )
    message = (
        "Studie Sync is gearchiveerd: er kan niets nieuws worden opgeslagen. Je records blijven "
        "op deze telefoon; vraag het je coördinator."
    )
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert all(r["errors"] == {"study": [message]} for r in results)
    assert count(Session) == 1 and count(FieldNote) == 0
    studies.reopen_study(db.session.get(Study, field.study_id))
    db.session.commit()
    again = sync_records(field.fieldworker, [field.note(session)])
    assert again[0]["status"] == "created"


def test_an_outsider_is_not_told_that_a_study_is_archived(field):
    studies.archive_study(db.session.get(Study, field.study_id))
    db.session.commit()
    result = sync_records(field.outsider, [field.session()])[0]
    assert result["errors"] == {"study": ["Onbekende studie sync, of je doet er niet aan mee."]}
