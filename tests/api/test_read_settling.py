"""Rows still settling: a paged table shows a record only once it was received longer ago than
the settling margin (API_SETTLE_SECONDS), and never a row above one that may still be
committing, so that a row committed late is never behind a client's cursor.

Time is moved by giving the tables' clock a later "now"; the margin is set per test (the
test app shows everything at once).
"""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from observations.api.read_args import encode_cursor
from observations.export import tables
from observations.extensions import db
from observations.models import Encounter, FieldNote, PasserCount, Scan, Session
from observations.models.types import utcnow
from tests.api.conftest import observe_studies, walk
from tests.conftest import TEST_DATABASE_URL, bearer

MARGIN = 60  # seconds


@pytest.fixture
def observed(app):
    """The read API's observed study, made for each test: its records are received now (the
    shared fixture copies rows made earlier in the run)."""
    with app.app_context():
        return observe_studies(app)


RECORDS = (Session, Scan, Encounter, FieldNote, PasserCount)


@pytest.fixture
def settling(app, observed, monkeypatch):
    """A margin of a minute; the fixture's records received an hour ago; a movable clock.

    Returns a function that moves the tables' clock by some seconds from now.
    """
    app.config["API_SETTLE_SECONDS"] = MARGIN
    with app.app_context():
        for model in RECORDS:
            db.session.execute(sa.update(model).values(received_at=utcnow() - timedelta(hours=1)))
        db.session.commit()

    def move(seconds: float) -> None:
        monkeypatch.setattr(tables, "utcnow", lambda: utcnow() + timedelta(seconds=seconds))

    return move


def _encounter(session_id: int, received_ago: float = 0) -> Encounter:
    """A new encounter (not yet added) in a session, received some seconds ago."""
    session = db.session.get(Session, session_id)
    return Encounter(
        uuid=str(uuid.uuid4()),
        study_id=session.study_id,
        session_id=session.id,
        zone_id=session.zones[0].id,
        occurred_at=session.started_at + timedelta(minutes=30),
        encounter_type="greeting",
        received_at=utcnow() - timedelta(seconds=received_ago),
    )


def _ids(client, url: str, token: str) -> list[int]:
    """The encounter ids of every page from `url` on."""
    return [row["encounter_id"] for row in walk(client, url, token)]


def _session_id(app, observed) -> int:
    """The id of the fixture's first session."""
    with app.app_context():
        return db.session.scalar(sa.select(Session.id).filter_by(uuid=observed.sessions[0]))


def test_a_new_record_shows_once_the_margin_has_passed(app, client, observed, settling):
    token = observed.tokens["alpha-lead"]
    url = "/api/v1/studies/alpha/encounters?labels=codes"
    before = _ids(client, url, token)
    with app.app_context():
        new = _encounter(_session_id(app, observed))
        db.session.add(new)
        db.session.commit()
        new_id = new.id
    assert _ids(client, url, token) == before, "received just now: still settling"
    csv = client.get(url + "&format=csv", headers=bearer(token)).get_data(as_text=True)
    assert len(csv.strip().splitlines()) == len(before) + 1, "the CSV waits as well"
    settling(MARGIN + 1)
    assert _ids(client, url, token) == [*before, new_id]
    csv = client.get(url + "&format=csv", headers=bearer(token)).get_data(as_text=True)
    assert len(csv.strip().splitlines()) == len(before) + 2


@pytest.mark.parametrize("table", ["sessions", "scans", "encounters", "notes", "passers"])
def test_every_paged_table_waits_for_its_records_to_settle(app, client, observed, table):
    token = observed.tokens["alpha-lead"]
    url = f"/api/v1/studies/alpha/{table}"
    assert walk(client, url, token), "the margin is 0 in tests: records show at once"
    app.config["API_SETTLE_SECONDS"] = MARGIN
    assert walk(client, url, token) == [], "the fixture's records were received just now"
    csv = client.get(url + "?format=csv", headers=bearer(token)).get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 1, "the CSV: the header only"
    for whole in ("sites", "codebook"):
        assert walk(client, f"/api/v1/studies/alpha/{whole}", token), "short tables: no margin"


def test_a_page_never_passes_a_row_that_is_still_settling(app, client, observed, settling):
    """Two syncs took their receipt times and their ids in opposite orders: the one with the
    lower id was received later. A page cut by receipt time alone would show the higher id and
    put the cursor past the lower one, which would then never come."""
    token = observed.tokens["alpha-lead"]
    url = "/api/v1/studies/alpha/encounters?labels=codes&limit=100"
    before = _ids(client, url, token)
    with app.app_context():
        session_id = _session_id(app, observed)
        later = _encounter(session_id, received_ago=0)
        db.session.add(later)
        db.session.flush()
        earlier = _encounter(session_id, received_ago=MARGIN * 2)  # settled, but a higher id
        db.session.add(earlier)
        db.session.commit()
        assert earlier.id > later.id
        ids = (later.id, earlier.id)

    assert _ids(client, url, token) == before, "nothing above the row still settling"
    # A client that polls keeps the last key it read and asks again later.
    cursor = encode_cursor("encounters", (before[-1],))
    settling(MARGIN + 1)
    assert _ids(client, f"{url}&cursor={cursor}", token) == list(ids)


def test_the_horizon_is_the_first_id_received_within_the_margin(app, observed):
    from observations.export.keyset import horizon

    with app.app_context():
        now = utcnow()
        minute = timedelta(minutes=1)
        assert horizon(Encounter, now, timedelta(0)) is None, "no margin: no horizon"
        db.session.execute(sa.update(Encounter).values(received_at=now - timedelta(hours=1)))
        assert horizon(Encounter, now, minute) is None, "everything has settled"
        first, second = db.session.scalars(sa.select(Encounter.id).order_by(Encounter.id).limit(2))
        db.session.execute(
            sa.update(Encounter).where(Encounter.id == second).values(received_at=now)
        )
        assert horizon(Encounter, now, minute) == second
        # A receipt time far in the future (made-up data, e.g. the demo's) has not just
        # arrived: it holds nothing back.
        db.session.execute(
            sa.update(Encounter)
            .where(Encounter.id == first)
            .values(received_at=now + timedelta(hours=3))
        )
        assert horizon(Encounter, now, minute) == second
        db.session.rollback()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="SQLite commits one transaction at a time")
def test_a_row_committed_out_of_id_order_is_not_lost(app, client, observed, settling):
    """On PostgreSQL: a sync takes an id, a second one takes a higher id and commits first;
    the first commits after a page was read."""
    token = observed.tokens["alpha-lead"]
    url = "/api/v1/studies/alpha/encounters?labels=codes&limit=100"
    session_id = _session_id(app, observed)

    def race(margin: int) -> tuple[list[int], int, int]:
        """Walk, with a slow sync committing in between; the ids walked, slow's and quick's."""
        app.config["API_SETTLE_SECONDS"] = margin
        with app.app_context():
            connection = db.engine.connect()
            slow = orm.Session(bind=connection)
            slow.add(_encounter(session_id))
            slow.flush()  # an id is taken; the transaction stays open
            slow_id = slow.scalars(sa.select(sa.func.max(Encounter.id))).one()
            quick = _encounter(session_id)
            db.session.add(quick)
            db.session.commit()
            quick_id = quick.id
            first = walk(client, url, token)
            slow.commit()
            slow.close()
            connection.close()
        cursor = encode_cursor("encounters", (first[-1]["encounter_id"],))
        settling(margin + 1)  # time passes
        rest = walk(client, f"{url}&cursor={cursor}", token)
        return [row["encounter_id"] for row in first + rest], slow_id, quick_id

    walked, slow_id, quick_id = race(0)
    assert quick_id in walked and slow_id not in walked, "without a margin the gap is real"
    walked, slow_id, quick_id = race(MARGIN)
    assert {slow_id, quick_id} <= set(walked), "with the margin no row is lost"
    assert len(set(walked)) == len(walked), "nor repeated"
