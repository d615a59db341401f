"""Named objects of the access tests' world for corrections (research/corrections): an ended
session of fieldworker_a2 in study A with a record of each kind, and one in study B.
"""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from observations.extensions import db
from observations.models import Session
from observations.sync import sync_records


def _at(minutes_ago: int) -> str:
    """A time as a phone sends it."""
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def records(study, site, owner) -> dict[str, dict]:
    """An ended session at the site with a scan, an encounter and a note, as a phone sends them."""
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": study.slug,
        "site": site.id,
        "zones": [zone.id for zone in site.zones],
        "started_at": _at(120),
        "ended_at": _at(60),
        "weather": ["indoors"],
        "crowding": "moderate",
        "programme": "none",
    }
    child = {"session": session["uuid"]}
    found = {
        "session": session,
        "scan": {
            **child,
            "uuid": str(uuid.uuid4()),
            "kind": "scan",
            "zone": site.zones[0].id,
            "observed_at": _at(100),
            "counts": {"age": {"25-64": 2}, "gender": {"woman": 1, "man": 1}},
            "conditions": ["accessible"],
        },
        "encounter": {
            **child,
            "uuid": str(uuid.uuid4()),
            "kind": "encounter",
            "occurred_at": _at(90),
            "encounter_type": "short_chat",
            "parties": "visitor_visitor",
            "relation": "recognised",
        },
        "note": {
            **child,
            "uuid": str(uuid.uuid4()),
            "kind": "note",
            "written_at": _at(80),
            "text": "Rustig bij de ingang.",
        },
    }
    results = sync_records(owner, list(found.values()))
    assert {r["status"] for r in results} == {"created"}, results
    return found


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    from tests.access.world import _first_site

    for key, owner in (("a", "fieldworker_a2"), ("b", "fieldworker_b")):
        study = studies[key]
        found = records(study, _first_site(study), users[owner])
        world.objects[f"corrected session of study {key}"] = db.session.scalar(
            select(Session.id).filter_by(study_id=study.id, uuid=found["session"]["uuid"])
        )
        for kind, record in found.items():
            world.objects[f"{kind} to correct in study {key}"] = record["uuid"]
    for kind in ("session", "scan", "encounter", "note"):
        world.objects[f"kind {kind}"] = kind
