"""The sync test study (tests/sync/conftest.py), plus helpers for sessions the server closes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Session, Slot
from observations.sync import sync_records
from tests.sync.conftest import START, Field


@pytest.fixture
def field(app):
    """The sync test study, inside a request context."""
    with app.test_request_context():
        yield Field(app)


def hours(n: float):
    """A moment n hours after the test session's start."""
    return START + timedelta(hours=n)


def stored(uuid: str) -> Session:
    """A session as the database holds it now."""
    db.session.expire_all()
    return db.session.scalar(sa.select(Session).filter_by(uuid=uuid))


def auto_close_events(uuid: str) -> list[AuditEvent]:
    """The audit events of the server closing this session."""
    return list(
        db.session.scalars(sa.select(AuditEvent).filter_by(entity_key=uuid, action="auto_close"))
    )


def planned_slot(field: Field, minutes: int = 60) -> int:
    """A slot at the library starting when the test session starts."""
    slot = Slot(
        study_id=field.study_id,
        site_id=field.site,
        starts_at=START,
        duration_minutes=minutes,
        fieldworker_id=field.fieldworker.id,
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


def send(field: Field, *records) -> list[dict]:
    """Sync records as the test fieldworker and commit."""
    results = sync_records(field.fieldworker, list(records))
    db.session.commit()
    return results
