"""A small observed study for the read API: two sites, sessions on known local days, with
scans, encounters, notes and people-moving counts stored through the sync service, as
phones store them.

Study `alpha` (factories.two_studies) gets sites "Bibliotheek Oost" and "Markt West", each
with a counting line (Entree, Kramen); its fieldworker observes three sessions, with two
counts each; study `beta` has one session of its own, which alpha's readers must never see.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import Site, Study, User, Zone
from observations.sync import sync_records
from tests import factories, snapshots
from tests.conftest import api_token

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COUNTS = {
    "age": {"25-64": 3, "65+": 2},
    "gender": {"man": 2, "woman": 3},
    "activity": {"reading_games": 4, "conversing": 1},
}
# The people-moving counts of a session: the first notes the modes only, the second also
# perceived gender and group size (its age cells stay empty).
PASSERS = (
    {"mode": {"on_foot": 12, "bicycle": 3}},
    {
        "mode": {"on_foot": 7, "pushchair": 1},
        "gender": {"man": 3, "woman": 5},
        "group": {"alone": 4, "pair": 4},
    },
)


def local(day: str, clock: str) -> datetime:
    """A local time in Amsterdam, as an aware datetime."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=AMSTERDAM)


@dataclass
class Observed:
    """Who and what the fixture made: tokens by username, site and zone ids by name."""

    tokens: dict[str, str] = field(default_factory=dict)
    sites: dict[str, int] = field(default_factory=dict)
    zones: dict[str, int] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)


def _site(study: Study, name: str, zones: list[str]) -> Site:
    """A site with zones; the first is a counting line."""
    site = Site(
        study_id=study.id,
        name=name,
        kind="library" if "Bibliotheek" in name else "market",
        city="Almere",
        neighbourhood="Centrum",
        zones=[Zone(name=zone, position=i, counting_line=i == 0) for i, zone in enumerate(zones)],
    )
    db.session.add(site)
    db.session.flush()
    return site


def observe(
    user: User, study: str, site: Site, start: datetime, scans: int = 2, encounters: int = 3
) -> str:
    """A session of an hour at the site with scans, encounters, a note and the people-moving
    counts of PASSERS at its counting line; its UUID."""
    zones = [zone.id for zone in site.zones]
    session = str(uuid.uuid4())
    records = [
        {
            "uuid": session,
            "kind": "session",
            "study": study,
            "site": site.id,
            "zones": zones,
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=1)).isoformat(),
            "weather": ["indoors"],
            "crowding": "moderate",
            "programme": "none",
        }
    ]
    records += [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "scan",
            "session": session,
            "zone": zones[i % len(zones)],
            "observed_at": (start + timedelta(minutes=5 + 10 * i)).isoformat(),
            "counts": COUNTS,
            "conditions": ["accessible", "well_lit"],
        }
        for i in range(scans)
    ]
    records += [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "encounter",
            "session": session,
            "zone": zones[0],
            "occurred_at": (start + timedelta(minutes=7 + i)).isoformat(),
            "encounter_type": ("greeting", "short_chat", "conversation")[i % 3],
            "parties": "visitor_visitor",
            "relation": ("strangers", "recognised", "acquaintances")[i % 3],
            "flags": ["across_ages"] if i % 2 else [],
            "note": "",
        }
        for i in range(encounters)
    ]
    records += [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "passers",
            "session": session,
            "zone": next(zone.id for zone in site.zones if zone.counting_line),
            "started_at": (start + timedelta(minutes=15 + 20 * i)).isoformat(),
            "minutes": 10 if i else 5,
            "counts": counts,
        }
        for i, counts in enumerate(PASSERS)
    ]
    records.append(
        {
            "uuid": str(uuid.uuid4()),
            "kind": "note",
            "session": session,
            "zone": None,
            "written_at": (start + timedelta(minutes=50)).isoformat(),
            "text": f"Rustig bij {site.name}.",
        }
    )
    results = sync_records(user, records)
    assert {r["status"] for r in results} == {"created"}, results
    return session


def user(username: str) -> User:
    """An account by username."""
    return db.session.scalar(sa.select(User).filter_by(username=username))


@pytest.fixture
def observed(app) -> Observed:
    """Study alpha with two sites and three sessions; beta with one; a token per account."""
    return snapshots.restore_or_build(app, "read api: observed", lambda: observe_studies(app))


def observe_studies(app) -> Observed:
    """Make the rows of `observed` (in an app context); its records are received now."""
    made = Observed()
    factories.two_studies()
    alpha, beta = (
        db.session.scalar(sa.select(Study).filter_by(slug=slug)) for slug in ("alpha", "beta")
    )
    east = _site(alpha, "Bibliotheek Oost", ["Entree", "Leestafels"])
    west = _site(alpha, "Markt West", ["Kramen", "Plein"])
    elsewhere = _site(beta, "Buurthuis Beta", ["Zaal"])
    made.sites = {site.name: site.id for site in (east, west, elsewhere)}
    made.zones = {zone.name: zone.id for site in (east, west) for zone in site.zones}
    worker = user("alpha-fieldworker")
    made.sessions = [
        observe(worker, "alpha", east, local("2026-03-02", "10:00")),
        observe(worker, "alpha", west, local("2026-03-03", "14:00")),
        # Just after midnight, local time: 5 March in UTC, 6 March in Amsterdam.
        observe(worker, "alpha", east, local("2026-03-06", "00:30")),
    ]
    observe(user("beta-fieldworker"), "beta", elsewhere, local("2026-03-02", "10:00"))
    db.session.commit()
    for username in ("alpha-lead", "alpha-coordinator", "alpha-fieldworker", "beta-lead", "root"):
        made.tokens[username] = api_token(app, username)
    return made


def walk(client, url: str, token: str) -> list[dict]:
    """Every row of a table, following `next` from page to page."""
    rows: list[dict] = []
    while url:
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        rows += body["data"]
        url = body["next"]
    return rows
