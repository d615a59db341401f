"""What the coordinator's tests share: the two-study world in a request context, study alpha's
coordinator logged in, and small look-ups."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from observations.extensions import db
from observations.models import AuditEvent, Study

BASE = "/studies/alpha/manage"


def study(slug: str = "alpha") -> Study:
    """A study of the world by its slug."""
    return db.session.scalar(select(Study).filter_by(slug=slug))


def events(entity: str) -> list[AuditEvent]:
    """The audit events about one kind of thing, oldest first."""
    query = select(AuditEvent).filter_by(entity=entity).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def at(text: str) -> datetime:
    """An aware UTC time from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str) -> datetime:
    """An aware time in Europe/Amsterdam (the studies' time zone) from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def ctx(app, world):
    """A request context on the two-study world (services need one for their messages)."""
    with app.test_request_context():
        yield world


@pytest.fixture
def coordinator_client(client, auth, world):
    """Study alpha's coordinator, logged in; returns (client, CSRF token)."""
    auth.login("alpha-coordinator")
    return client, auth.token(f"{BASE}/")
