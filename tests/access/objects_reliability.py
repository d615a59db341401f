"""Named objects of the access tests' world for the reliability page (research/reliability):
a pair of ended sessions of fieldworker_a and fieldworker_a2 at study A's first site, three
days ago, with encounters and scans that match, so the page has figures to show.
"""

import uuid
from datetime import timedelta

from observations.extensions import db
from observations.models import Encounter, Scan, ScanCount, Session, utcnow


def _session(study, site, user, start) -> Session:
    """An ended hour-long session of the user at the site, watching every zone."""
    session = Session(
        uuid=str(uuid.uuid4()),
        study_id=study.id,
        site_id=site.id,
        fieldworker_id=user.id,
        started_at=start,
        ended_at=start + timedelta(hours=1),
        crowding="moderate",
        programme="none",
        zones=list(site.zones),
    )
    db.session.add(session)
    return session


def _records(session, study, zone, start, kinds, people) -> None:
    """Encounters of the given types every ten minutes, and two scans."""
    for minute, kind in zip((10, 20, 30), kinds, strict=True):
        session.encounters.append(
            Encounter(
                uuid=str(uuid.uuid4()),
                study_id=study.id,
                zone_id=zone.id,
                occurred_at=start + timedelta(minutes=minute),
                encounter_type=kind,
                parties="visitor_visitor",
                relation="strangers",
            )
        )
    for minute, count in zip((15, 45), people, strict=True):
        scan = Scan(
            uuid=str(uuid.uuid4()),
            study_id=study.id,
            zone_id=zone.id,
            observed_at=start + timedelta(minutes=minute),
        )
        scan.counts = [ScanCount(category="age", code="25-64", count=count)]
        session.scans.append(scan)


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    from tests.access.world import _first_site

    study = studies["a"]
    site = _first_site(study)
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    zone = site.zones[0]
    first = _session(study, site, users["fieldworker_a"], start)
    second = _session(study, site, users["fieldworker_a2"], start + timedelta(minutes=1))
    later = start + timedelta(seconds=20)
    _records(first, study, zone, start, ("greeting", "short_chat", "greeting"), (6, 9))
    _records(second, study, zone, later, ("greeting", "short_chat", "help"), (7, 9))
    db.session.flush()
    world.objects["paired sessions of study a"] = (first.id, second.id)
