"""A small study to sync into, and builders for the records a phone sends."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from observations import accounts, studies
from observations.extensions import db
from observations.models import Site, Zone
from tests import factories

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


def at(minutes: float) -> str:
    """A time `minutes` after the test session starts, as a phone sends it (local offset)."""
    moment = START + timedelta(minutes=minutes)
    return moment.astimezone(datetime.now().astimezone().tzinfo).isoformat()


class Field:
    """Ids and users of the sync test study, and record builders."""

    def __init__(self, app):
        self.app = app
        study = studies.create_study("Sync", "sync")
        other = studies.create_study("Elders", "elders")
        library = Site(
            study_id=study.id,
            name="Bieb",
            kind="library",
            zones=[Zone(name="Entree"), Zone(name="Leestafels")],
        )
        park = Site(study_id=study.id, name="Park", kind="park", zones=[Zone(name="Speelplek")])
        elsewhere = Site(study_id=other.id, name="Markt", kind="market", zones=[Zone(name="Rij")])
        db.session.add_all([library, park, elsewhere])
        self.fieldworker = factories.user("veldwerker", "fieldworker", study)
        self.colleague = factories.user("collega", "fieldworker", study)
        self.outsider = factories.user("buitenstaander", "fieldworker", other)
        self.lead = factories.user("leider", "lead", study)
        db.session.flush()
        accounts.add_member(other, self.lead, "coordinator")
        db.session.commit()
        self.study_id, self.other_id = study.id, other.id
        self.site, self.park, self.elsewhere = library.id, park.id, elsewhere.id
        self.zones = [z.id for z in library.zones]
        self.park_zone, self.elsewhere_zone = park.zones[0].id, elsewhere.zones[0].id

    def session(self, **extra) -> dict:
        """A session record at the library."""
        return {
            "uuid": str(uuid.uuid4()),
            "kind": "session",
            "study": "sync",
            "site": self.site,
            "zones": self.zones,
            "started_at": at(0),
            "weather": ["indoors"],
            "crowding": "moderate",
            "programme": "none",
            "device_time": at(0),
            **extra,
        }

    @staticmethod
    def scan(session: dict, zone: int, **extra) -> dict:
        """A scan in one zone of the session."""
        return {
            "uuid": str(uuid.uuid4()),
            "kind": "scan",
            "session": session["uuid"],
            "zone": zone,
            "observed_at": at(5),
            "counts": {
                "age": {"65+": 2, "25-64": 3},
                "gender": {"woman": 3, "man": 2},
                "activity": {"reading_games": 4, "conversing": 1},
            },
            "conditions": ["accessible", "well_lit"],
            **extra,
        }

    @staticmethod
    def encounter(session: dict, **extra) -> dict:
        """An encounter in the session."""
        return {
            "uuid": str(uuid.uuid4()),
            "kind": "encounter",
            "session": session["uuid"],
            "occurred_at": at(10),
            "encounter_type": "greeting",
            "parties": "visitor_visitor",
            "relation": "recognised",
            "flags": ["across_ages"],
            **extra,
        }

    @staticmethod
    def note(session: dict, **extra) -> dict:
        """A field note in the session."""
        return {
            "uuid": str(uuid.uuid4()),
            "kind": "note",
            "session": session["uuid"],
            "written_at": at(15),
            "text": "Drukte bij de koffiebar.",
            **extra,
        }


def passers(session: dict, zone: int, **extra) -> dict:
    """A ten-minute people-moving count at a zone of the session (kind passers)."""
    counts = {
        "mode": {"on_foot": 30, "bicycle": 4, "wheelchair": 1, "pushchair": 2, "other": 0},
        "gender": {"man": 15, "woman": 17},
        "age": {"0-14": 5, "25-64": 25},
        "group": {"alone": 20, "pair": 12},
    }
    fields = {"zone": zone, "started_at": at(20), "minutes": 10, "counts": counts}
    return {"uuid": str(uuid.uuid4()), "kind": "passers", "session": session["uuid"],
            **fields, "device_time": at(30), **extra}  # fmt: skip


@pytest.fixture
def field(app):
    """The sync test study, inside an app context."""
    with app.test_request_context():
        yield Field(app)
