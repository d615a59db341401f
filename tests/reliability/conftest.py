"""A small study for the reliability tests: sites, zones, three fieldworkers, and builders
for sessions, encounters and scans at exact times.

`paired` holds the hand-made pair of sessions the tests compute kappa and ICC on: W01 and W02
at the library, 10:00-12:00 and 10:05-12:00 on Monday 4 May 2026 (Amsterdam time), both
watching the entrance and the reading tables. Its codings are listed in ENCOUNTERS and SCANS
so that tests can compute the expected figures from them.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from observations import studies
from observations.extensions import db
from observations.models import Encounter, Scan, ScanCount, Session, Site, Zone
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=AMSTERDAM)


def at(minutes: float) -> datetime:
    """A moment `minutes` after 10:00 on 4 May 2026 in Amsterdam."""
    return T0 + timedelta(minutes=minutes)


class Study:
    """The study "betrouw": library (3 zones) and park; fieldworkers W01-W03 and a lead."""

    def __init__(self):
        study = studies.create_study("Betrouwbaarheid", "betrouw")
        other = studies.create_study("Elders", "elders")
        library = Site(
            study_id=study.id,
            name="Bieb",
            kind="library",
            zones=[Zone(name="Entree"), Zone(name="Leestafels"), Zone(name="Kinderhoek")],
        )
        park = Site(study_id=study.id, name="Park", kind="park", zones=[Zone(name="Speelplek")])
        db.session.add_all([library, park])
        # Observer codes follow the order of joining: W01, W02, W03, then the lead W04.
        self.ann = factories.user("ann", "fieldworker", study)
        self.bob = factories.user("bob", "fieldworker", study)
        self.cas = factories.user("cas", "fieldworker", study)
        self.lead = factories.user("leider", "lead", study)
        self.coordinator = factories.user("coordinator", "coordinator", study)
        self.other_lead = factories.user("ander", "lead", other)
        db.session.flush()
        self.study, self.other = study, other
        self.library, self.park = library, park
        self.entrance, self.tables, self.corner = library.zones
        self.playground = park.zones[0]

    def session(self, who, start: float, end: float | None, zones=None, site=None, **extra):
        """An ended session of `who` from minute `start` to `end` (None: still open)."""
        site = site or self.library
        session = Session(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            site_id=site.id,
            fieldworker_id=who.id,
            started_at=at(start),
            ended_at=None if end is None else at(end),
            zones=list(zones if zones is not None else [self.entrance, self.tables]),
            **extra,
        )
        db.session.add(session)
        db.session.flush()
        return session

    def encounter(self, session, minutes: float, zone, kind="greeting", parties=None, **extra):
        """An encounter in the session at minute `minutes`."""
        flags = extra.pop("flags", ())
        encounter = Encounter(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            session_id=session.id,
            zone_id=zone.id if zone is not None else None,
            occurred_at=at(minutes),
            encounter_type=kind,
            parties=parties,
            **extra,
        )
        encounter.flags = list(flags)
        db.session.add(encounter)
        db.session.flush()
        return encounter

    def scan(self, session, minutes: float, zone, counts: dict[str, int], **extra):
        """A scan with counts {"category:code": n} at minute `minutes`."""
        scan = Scan(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            session_id=session.id,
            zone_id=zone.id,
            observed_at=at(minutes),
            **extra,
        )
        for name, count in counts.items():
            category, code = name.split(":")
            scan.counts.append(ScanCount(category=category, code=code, count=count))
        db.session.add(scan)
        db.session.flush()
        return scan


# The hand-made pair: (minute, zone, A's coding, B's coding, B's offset in seconds).
# A coding is (encounter type, parties, relation, flags).
G, C, V, E = "greeting", "short_chat", "conversation", "eye_contact"
VV = "visitor_visitor"
S, R, Q = "strangers", "recognised", "acquaintances"
AGES, BOTH, NONE = {"across_ages"}, {"across_ages", "different_company"}, set()
ENCOUNTERS = [
    (10, "entrance", (G, VV, S, BOTH), (G, VV, S, BOTH), 20),
    (15, "tables", (G, VV, S, BOTH), (G, VV, R, AGES), -40),
    (20, "entrance", (G, VV, R, AGES), (C, VV, R, BOTH), 60),
    (25, "tables", (C, VV, R, AGES), (C, VV, R, AGES), 0),
    (30, "entrance", (C, VV, None, NONE), (C, VV, None, NONE), 5),
    (35, "tables", (C, VV, S, NONE), (G, VV, S, NONE), -60),
    (40, "entrance", (V, VV, R, NONE), (V, VV, R, NONE), 30),
    (45, "tables", (V, VV, S, NONE), (V, VV, Q, NONE), 10),
    (50, "entrance", (E, VV, None, NONE), (E, VV, R, NONE), -15),
    (55, "tables", (E, VV, S, NONE), (G, VV, S, NONE), 45),
]
# Scans: (minute, zone, A's counts, B's counts); B scans two minutes later.
SCANS = [
    (15, "entrance", {"age:25-64": 8, "age:65+": 2}, {"age:25-64": 9, "age:65+": 2}),
    (20, "tables", {"age:25-64": 15, "age:65+": 5}, {"age:25-64": 14, "age:65+": 4}),
    (45, "entrance", {"age:25-64": 5}, {"age:25-64": 4, "age:0-14": 1}),
    (50, "tables", {"age:25-64": 6, "age:65+": 2}, {"age:25-64": 9, "age:65+": 3}),
]


class Paired(Study):
    """The study with the hand-made pair of W01 (ann) and W02 (bob), and records around it.

    Besides the ten matched encounters and four matched scans: A has one encounter no one
    matches (minute 70) and B two (minutes 80 and 100); these count as unmatched. Left out,
    neither matched nor counted: A's encounter at minute 2 (before B came), B's in the
    children's corner (A did not watch it), B's withdrawn one and A's scan at minute 1.
    """

    def __init__(self):
        super().__init__()
        self.a = self.session(self.ann, 0, 120)
        self.b = self.session(self.bob, 5, 120, zones=[self.entrance, self.tables, self.corner])
        zones = {"entrance": self.entrance, "tables": self.tables}
        for minute, zone, mine, theirs, offset in ENCOUNTERS:
            for session, (kind, parties, relation, flags), shift in (
                (self.a, mine, 0),
                (self.b, theirs, offset / 60),
            ):
                self.encounter(
                    session,
                    minute + shift,
                    zones[zone],
                    kind,
                    parties,
                    relation=relation,
                    flags=flags,
                )
        self.encounter(self.a, 70, self.entrance)
        self.encounter(self.b, 80, self.tables)
        self.encounter(self.b, 100, self.entrance)
        self.encounter(self.a, 2, self.entrance)
        self.encounter(self.b, 60, self.corner)
        self.encounter(self.b, 70.2, self.entrance, retracted=True)
        for minute, zone, mine, theirs in SCANS:
            self.scan(self.a, minute, zones[zone], mine)
            self.scan(self.b, minute + 2, zones[zone], theirs)
        self.scan(self.a, 1, self.entrance, {"age:25-64": 3})


@pytest.fixture
def built(app):
    """The study without sessions, in a request context."""
    with app.test_request_context():
        yield Study()


@pytest.fixture
def paired(app):
    """The study with the hand-made pair, committed, in a request context."""
    with app.test_request_context():
        made = Paired()
        db.session.commit()
        yield made
