"""The server refuses a scan that breaks its own arithmetic, with the reason, like the phone does.

Issue 8, point 10: a scan of 0 people with an activity, and 6 activities for 3 people, were
saved. The rules come from the codebook of the record's study (scan_rules.py).
"""

import sqlalchemy as sa
from flask_babel import force_locale

from observations.extensions import db
from observations.models import Category, Scan, ScanCount, Study
from observations.sync import sync_records

PEOPLE = {"age": {"25-64": 3}, "gender": {"woman": 2, "man": 1}}


def send(field, *records):
    """Sync a session and its records; return the results after the session's."""
    session = field.session()
    results = sync_records(field.fieldworker, [session, *[r(session) for r in records]])
    assert results[0]["status"] == "created"
    return results[1:]


def scan(field, **extra):
    """A scan builder for `send`."""
    return lambda session: field.scan(session, field.zones[0], **extra)


def test_an_activity_without_people_is_refused(field):
    [result] = send(field, scan(field, counts={"activity": {"resting": 2}}, conditions=[]))
    assert result["status"] == "invalid"
    assert result["errors"] == {
        "counts": [
            "Activiteit: 2 geteld, maar geen personen. Tel eerst de personen "
            "(Leeftijd (geschat), Gender (zoals waargenomen))."
        ]
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


def test_six_activities_for_three_people_are_refused(field):
    counts = {**PEOPLE, "activity": {"resting": 4, "phone": 2}}
    [result] = send(field, scan(field, counts=counts))
    assert result["status"] == "invalid"
    assert result["errors"]["counts"] == [
        "Activiteit: 6 geteld, maar 3 personen. Ieder persoon telt hier hooguit één keer."
    ]


def test_every_broken_rule_is_named(field):
    counts = {"age": {"65+": 2}, "gender": {"man": 3}, "posture": {"lying": 4}}
    [result] = send(field, scan(field, counts=counts, conditions=["empty"]))
    assert result["errors"]["counts"] == [
        "Gemarkeerd als leeg, maar 4 personen geteld. Haal de markering of de tellingen weg.",
        "Leeftijd (geschat): 2 geteld, Gender (zoals waargenomen): 3 geteld. Ieder persoon heeft "
        "van elk precies één, dus de totalen moeten gelijk zijn.",
        "Houding: 4 geteld, maar 3 personen. Ieder persoon telt hier hooguit één keer.",
    ]


def test_a_scan_counts_someone_or_says_the_zone_is_empty(field):
    nobody, empty = send(
        field,
        scan(field, counts={}, conditions=["well_lit"]),
        scan(field, counts={}, conditions=["empty", "well_lit"]),
    )
    assert nobody["status"] == "invalid"
    assert nobody["errors"]["counts"] == ["Tel minstens één persoon, of markeer de zone als leeg."]
    assert empty["status"] == "created"


def test_a_scan_that_adds_up_is_stored(field):
    counts = {**PEOPLE, "activity": {"resting": 3}, "posture": {"standing": 1}}
    [result] = send(field, scan(field, counts=counts))
    assert result == {"uuid": result["uuid"], "status": "created"}


def test_messages_follow_the_users_language(field):
    with force_locale("en"):
        [result] = send(field, scan(field, counts={**PEOPLE, "role": {"visitor": 5}}))
    assert result["errors"]["counts"] == [
        "Role: 5 counted, but 3 people. Each person counts at most once here."
    ]


def test_withdrawing_a_scan_stored_before_the_rules_still_works(field):
    session = field.session()
    record = field.scan(session, field.zones[0], counts=PEOPLE)
    assert [r["status"] for r in sync_records(field.fieldworker, [session, record])] == [
        "created",
        "created",
    ]
    # As stored by an older version: more activities than people.
    stored = db.session.scalar(sa.select(Scan).filter_by(uuid=record["uuid"]))
    db.session.add(ScanCount(scan_id=stored.id, category="activity", code="resting", count=9))
    db.session.commit()
    old = {**record, "counts": {**PEOPLE, "activity": {"resting": 9}}}
    [result] = sync_records(field.fieldworker, [{**old, "revision": 2, "retracted": True}])
    assert result["status"] == "updated"


def test_the_rules_are_the_codebooks_own(field):
    activity = db.session.scalar(
        sa.select(Category).join(Study).filter(Study.slug == "sync", Category.key == "activity")
    )
    activity.per_person = None  # this study lets a person count in several activities
    db.session.commit()
    [result] = send(field, scan(field, counts={**PEOPLE, "activity": {"resting": 3, "phone": 3}}))
    assert result["status"] == "created"
