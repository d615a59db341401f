"""A small study with one ended session (a scan, an encounter, a note) to correct."""

import pytest

from observations.extensions import db
from observations.models import Study
from observations.sync import sync_records
from tests import factories
from tests.sync.conftest import Field, at


class Records(Field):
    """The sync test study, its lead and a coordinator, and one synced session."""

    def __init__(self, app):
        super().__init__(app)
        self.study = db.session.get(Study, self.study_id)
        self.other = db.session.get(Study, self.other_id)
        self.coordinator = factories.user("coordinator", "coordinator", self.study)
        db.session.commit()

    def synced(self, ended: bool = True) -> dict:
        """Sync a session (ended at minute 60, or open) with a scan, an encounter and a note."""
        session = self.session(ended_at=at(60) if ended else None)
        records = {
            "session": session,
            "scan": self.scan(session, self.zones[0]),
            "encounter": self.encounter(session),
            "note": self.note(session),
        }
        results = sync_records(self.fieldworker, list(records.values()))
        assert [r["status"] for r in results] == ["created"] * 4, results
        return records


@pytest.fixture
def records(app):
    """The study to correct in, inside a request context."""
    with app.test_request_context():
        yield Records(app)
