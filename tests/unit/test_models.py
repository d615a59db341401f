"""Model constraints: what the database itself refuses."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from observations import audit
from observations.extensions import db
from observations.models import (
    AuditEvent,
    Encounter,
    FieldNote,
    Membership,
    Scan,
    ScanCount,
    Session,
    Site,
    Study,
    User,
    Zone,
)
from tests import factories

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def place(app):
    """A study with one site, one zone and one fieldworker, inside an app context."""
    with app.app_context():
        study = factories.studies.create_study("Study", "study")
        site = Site(study_id=study.id, name="Bibliotheek", kind="library")
        site.zones = [Zone(name="Entree")]
        fieldworker = factories.user("veldwerker", "fieldworker", study)
        db.session.add(site)
        db.session.commit()
        yield {"study": study, "site": site, "zone": site.zones[0], "fieldworker": fieldworker}


def new_session(place, record_uuid=None, study=None) -> Session:
    """An observation session at the place's site."""
    return Session(
        uuid=record_uuid or str(uuid.uuid4()),
        study_id=(study or place["study"]).id,
        site_id=place["site"].id,
        fieldworker_id=place["fieldworker"].id,
        started_at=NOW,
    )


def test_duplicate_session_uuid_in_a_study_is_refused(place):
    shared = str(uuid.uuid4())
    db.session.add(new_session(place, shared))
    db.session.commit()
    db.session.add(new_session(place, shared))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_same_uuid_in_another_study_is_allowed(place):
    other = factories.studies.create_study("Other", "other")
    shared = str(uuid.uuid4())
    db.session.add_all([new_session(place, shared), new_session(place, shared, study=other)])
    db.session.commit()
    assert db.session.query(Session).filter_by(uuid=shared).count() == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda p, s, u: Scan(
            uuid=u, study_id=p["study"].id, session_id=s.id, zone_id=p["zone"].id, observed_at=NOW
        ),
        lambda p, s, u: Encounter(
            uuid=u,
            study_id=p["study"].id,
            session_id=s.id,
            occurred_at=NOW,
            encounter_type="greeting",
        ),
        lambda p, s, u: FieldNote(
            uuid=u, study_id=p["study"].id, session_id=s.id, written_at=NOW, text="rustig"
        ),
    ],
    ids=["scan", "encounter", "note"],
)
def test_duplicate_record_uuid_in_a_study_is_refused(place, make):
    session = new_session(place)
    db.session.add(session)
    db.session.flush()
    shared = str(uuid.uuid4())
    db.session.add(make(place, session, shared))
    db.session.commit()
    db.session.add(make(place, session, shared))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_captured_records_carry_revision_times_and_codebook_version(place):
    session = new_session(place)
    db.session.add(session)
    db.session.commit()
    assert session.revision == 1
    assert session.codebook_version == 1
    assert session.received_at.tzinfo is not None
    assert abs(session.received_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_revision_below_one_is_refused(place):
    session = new_session(place)
    session.revision = 0
    db.session.add(session)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_session_cannot_end_before_it_starts(place):
    session = new_session(place)
    session.ended_at = NOW - timedelta(minutes=1)
    db.session.add(session)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_negative_scan_count_is_refused(place):
    session = new_session(place)
    scan = Scan(
        uuid=str(uuid.uuid4()),
        study_id=place["study"].id,
        zone_id=place["zone"].id,
        observed_at=NOW,
    )
    session.scans.append(scan)
    db.session.add(session)
    db.session.flush()
    db.session.add(ScanCount(scan_id=scan.id, category="age", code="65+", count=-1))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_scan_counts_multi_valued_codes_round_trip(place):
    session = new_session(place)
    session.weather = ["rain_light", "wind_strong"]
    scan = Scan(
        uuid=str(uuid.uuid4()),
        study_id=place["study"].id,
        zone_id=place["zone"].id,
        observed_at=NOW,
    )
    scan.conditions = ["accessible", "staff_present"]
    scan.counts = [ScanCount(category="age", code="65+", count=3)]
    session.scans.append(scan)
    db.session.add(session)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Session, session.id)
    assert sorted(stored.weather) == ["rain_light", "wind_strong"]
    assert sorted(stored.scans[0].conditions) == ["accessible", "staff_present"]
    assert [(c.category, c.code, c.count) for c in stored.scans[0].counts] == [("age", "65+", 3)]


def test_foreign_keys_are_enforced(place):
    db.session.add(Zone(site_id=999_999, name="Nergens"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_unknown_role_and_site_kind_are_refused(place):
    db.session.add(
        Membership(
            study_id=place["study"].id,
            user_id=place["fieldworker"].id,
            role="boss",
            observer_code="X1",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Site(study_id=place["study"].id, name="Kroeg", kind="pub"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_membership_and_observer_code_are_unique_per_study(place):
    other = factories.user("tweede")
    db.session.add(
        Membership(
            study_id=place["study"].id, user_id=other.id, role="fieldworker", observer_code="W01"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_slugs_and_usernames_are_unique(place):
    db.session.add(Study(slug="study", name="Twee"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(User(username="veldwerker", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_naive_datetimes_are_refused(place):
    session = new_session(place)
    session.started_at = datetime(2026, 5, 1, 10, 0)
    db.session.add(session)
    with pytest.raises(StatementError):
        db.session.commit()


def test_times_come_back_as_the_same_instant_in_utc(place):
    amsterdam_noon = datetime.fromisoformat("2026-07-01T12:00:00+02:00")
    session = new_session(place)
    session.started_at = amsterdam_noon
    db.session.add(session)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Session, session.id).started_at
    assert stored == amsterdam_noon
    assert stored.utcoffset() == timedelta(0)


def test_audit_events_are_append_only(place):
    event = audit.record("create", "zone", 1, {"name": [None, "Entree"]})
    db.session.commit()
    event.action = "delete"
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.commit()
