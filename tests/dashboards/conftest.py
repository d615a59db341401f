"""A small observed world for the dashboard pages, and helpers to read their tables.

Study alpha has two sites: "Bieb <Zuid> & "Co"" (a name that must be escaped everywhere)
with two zones, and Wijkpark Oost with one; study beta has a site of its own. Times are
local (Europe/Amsterdam, UTC+2 in October 2026):

- Bieb, Monday 5 October 10:00–13:00, approved, busy, regular programme, both zones:
  6 encounters (3 greetings between recognised faces across ages, 2 short chats between
  strangers, 1 conversation between acquaintances in different company) and 2 scans.
- Bieb, Saturday 10 October 14:00–15:00, pending, quiet, nothing running:
  2 encounters (eye contact between strangers, a greeting without a relation).
- Bieb, Tuesday 6 October 10:00–12:00, rejected: 5 greetings (left out by default).
- Wijkpark, Wednesday 7 October 09:00–10:30, approved: 1 short chat.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from observations.extensions import db
from observations.models import Encounter, Scan, ScanCount, Session, Site, Study, User, Zone
from tests import factories

HOSTILE_SITE = 'Bieb <Zuid> & "Co"'


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A time on a day of October 2026 given in local summer time (UTC+2)."""
    return datetime(2026, 10, day, hour - 2, minute, tzinfo=UTC)


def _session(study, site, fieldworker, start, end, state, zones, **context) -> Session:
    """An ended session with its zones."""
    session = Session(
        uuid=str(uuid.uuid4()),
        study_id=study.id,
        site_id=site.id,
        fieldworker_id=fieldworker.id,
        started_at=start,
        ended_at=end,
        review_state=state,
        zones=zones,
        crowding=context.get("crowding", "moderate"),
        programme=context.get("programme", "none"),
    )
    session.weather = ["indoors"]
    db.session.add(session)
    return session


def _encounter(session, zone, at, kind, relation=None, flags=()) -> None:
    """An encounter in the session."""
    encounter = Encounter(
        uuid=str(uuid.uuid4()),
        study_id=session.study_id,
        zone_id=zone.id,
        occurred_at=at,
        encounter_type=kind,
        parties="visitor_visitor",
        relation=relation,
    )
    encounter.flags = list(flags)
    session.encounters.append(encounter)


def _scan(session, zone, at, counts: dict, conditions=()) -> None:
    """A scan with counts {category: {code: n}} and the zone's conditions."""
    scan = Scan(uuid=str(uuid.uuid4()), study_id=session.study_id, zone_id=zone.id, observed_at=at)
    scan.counts = [
        ScanCount(category=category, code=code, count=n)
        for category, codes in counts.items()
        for code, n in codes.items()
    ]
    scan.conditions = list(conditions)
    session.scans.append(scan)


@dataclass
class Observed:
    """Ids of the small world."""

    alpha: int
    beta: int
    bieb: int
    park: int
    beta_site: int
    reading_table: int


def _site(study, name, zones, neighbourhood, city) -> Site:
    """A site with zones."""
    site = Site(
        study_id=study.id,
        name=name,
        kind="library",
        city=city,
        neighbourhood=neighbourhood,
        zones=[Zone(name=z, position=i) for i, z in enumerate(zones)],
    )
    db.session.add(site)
    db.session.flush()
    return site


@pytest.fixture
def observed(app) -> Observed:
    """The small world of this module's docstring, committed."""
    with app.app_context():
        built = factories.two_studies()
        alpha, beta = db.session.get(Study, built["alpha"]), db.session.get(Study, built["beta"])
        worker = db.session.scalar(select(User).filter_by(username="alpha-fieldworker"))
        bieb = _site(alpha, HOSTILE_SITE, ["Leestafel", "Entree"], "Zuid", "Almere")
        park = _site(alpha, "Wijkpark Oost", ["Speeltuin"], "Oost", "Almere")
        other = _site(beta, "Beta-plek", ["Hal"], "Noord", "Delft")
        table, entrance = bieb.zones
        monday = _session(
            alpha,
            bieb,
            worker,
            _utc(5, 10),
            _utc(5, 13),
            "approved",
            [table, entrance],
            crowding="busy",
            programme="regular_programme",
        )
        for minute in (5, 10, 15):
            _encounter(
                monday, table, _utc(5, 10, minute), "greeting", "recognised", ["across_ages"]
            )
        _encounter(monday, entrance, _utc(5, 11, 5), "short_chat", "strangers")
        _encounter(monday, entrance, _utc(5, 11, 20), "short_chat", "strangers")
        _encounter(
            monday, table, _utc(5, 12, 30), "conversation", "acquaintances", ["different_company"]
        )
        people = {
            "age": {"0-14": 2, "25-64": 5, "65+": 3},
            "company": {"alone": 4, "pair": 4, "group": 2},
        }
        _scan(monday, table, _utc(5, 10, 30), people, ["movable_seats"])
        _scan(monday, table, _utc(5, 12, 0), people, ["movable_seats"])
        saturday = _session(
            alpha, bieb, worker, _utc(10, 14), _utc(10, 15), "pending", [table], crowding="quiet"
        )
        _encounter(saturday, table, _utc(10, 14, 10), "eye_contact", "strangers")
        _encounter(saturday, table, _utc(10, 14, 40), "greeting")
        rejected = _session(alpha, bieb, worker, _utc(6, 10), _utc(6, 12), "rejected", [table])
        for minute in range(5):
            _encounter(rejected, table, _utc(6, 10, minute), "greeting", "strangers")
        wednesday = _session(
            alpha, park, worker, _utc(7, 9), _utc(7, 10, 30), "approved", park.zones
        )
        _encounter(wednesday, park.zones[0], _utc(7, 9, 30), "short_chat", "strangers")
        beta_worker = db.session.scalar(select(User).filter_by(username="beta-fieldworker"))
        elsewhere = _session(
            beta, other, beta_worker, _utc(5, 10), _utc(5, 11), "approved", other.zones
        )
        _encounter(elsewhere, other.zones[0], _utc(5, 10, 30), "greeting", "strangers")
        db.session.commit()
        return Observed(alpha.id, beta.id, bieb.id, park.id, other.id, table.id)


class Tables(HTMLParser):
    """Every table of a page with a caption: {caption id: rows of cell texts}."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self._caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._caption = True
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_of(html: str, figure: str) -> list[list[str]]:
    """The rows (header row first) of a figure's table on a page."""
    tables = Tables(html).tables
    assert f"{figure}-caption" in tables, f"no table of {figure}; tables: {sorted(tables)}"
    return tables[f"{figure}-caption"]
