"""Data-quality flags (issue 10, item 6): each on a small hand-made fixture, at its boundary.

Every flag fires just past its threshold, stays quiet just before it, and says the figure
behind it in English. Times: 08:00 UTC is 10:00 in Amsterdam in May (the morning window).
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from observations.extensions import db
from observations.models import (
    Encounter,
    FieldNote,
    Scan,
    ScanCount,
    Session,
    Site,
    Zone,
)
from observations.review import quality
from observations.review.thresholds import thresholds
from tests import factories

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


class Place:
    """A study with two sites (zones Entree and Leestafel) and two fieldworkers."""

    def __init__(self):
        self.study = factories.studies.create_study("Study", "study")
        self.site = Site(study_id=self.study.id, name="Bibliotheek", kind="library")
        self.site.zones = [Zone(name="Entree"), Zone(name="Leestafel")]
        self.park = Site(study_id=self.study.id, name="Wijkpark", kind="park")
        self.park.zones = [Zone(name="Speeltuin")]
        self.fieldworker = factories.user("veldwerker", "fieldworker", self.study)
        self.other = factories.user("collega", "fieldworker", self.study)
        db.session.add_all([self.site, self.park])
        db.session.flush()

    def _common(self, **kwargs) -> dict:
        """The columns every captured record has."""
        return {"uuid": str(uuid.uuid4()), "study_id": self.study.id, "received_at": NOW, **kwargs}

    def session(self, start=T0, minutes: float | None = 60, site=None, fieldworker=None, **kw):
        """A session (ended after `minutes`, open when None)."""
        session = Session(
            **self._common(**kw),
            site_id=(site or self.site).id,
            fieldworker_id=(fieldworker or self.fieldworker).id,
            started_at=start,
            ended_at=None if minutes is None else start + timedelta(minutes=minutes),
        )
        db.session.add(session)
        db.session.flush()
        return session

    def scan(self, session, at=None, counts=None, conditions=(), zone=0, **kw):
        """A scan in one of the site's zones, with {(category, code): count}."""
        scan = Scan(
            **self._common(**kw),
            session_id=session.id,
            zone_id=self.site.zones[zone].id,
            observed_at=at or session.started_at + 5 * MIN,
        )
        scan.counts = [
            ScanCount(category=category, code=code, count=n)
            for (category, code), n in (counts or {}).items()
        ]
        scan.conditions = list(conditions)
        db.session.add(scan)
        db.session.flush()
        return scan

    def encounter(self, session, at=None, **kw):
        """An encounter."""
        encounter = Encounter(
            **self._common(**kw),
            session_id=session.id,
            occurred_at=at or session.started_at + 5 * MIN,
            encounter_type="greeting",
        )
        db.session.add(encounter)
        return encounter

    def encounters(self, session, number: int) -> None:
        """Many encounters spread over the session."""
        for i in range(number):
            self.encounter(session, at=session.started_at + timedelta(seconds=10 * i))
        db.session.flush()

    def note(self, session, at=None, **kw):
        """A field note."""
        note = FieldNote(
            **self._common(**kw),
            session_id=session.id,
            written_at=at or session.started_at + 5 * MIN,
            text="Rustig.",
        )
        db.session.add(note)
        db.session.flush()
        return note


@pytest.fixture
def place(app):
    """The place, inside a request context in English."""
    with app.test_request_context(), force_locale("en"):
        yield Place()
        db.session.rollback()


def flags_of(place, session, code: str | None = None, **kwargs) -> list[quality.Flag]:
    """The session's flags (of one code, if given)."""
    found = quality.session_flags(place.study, [session.id], now=NOW, **kwargs).get(session.id, [])
    return [flag for flag in found if code is None or flag.code == code]


def message(place, session, code: str) -> str:
    """The message of the session's one flag of `code`."""
    found = flags_of(place, session, code)
    assert len(found) == 1, found
    return found[0].message


# no_records --------------------------------------------------------------------------


def test_no_records_fires_for_an_ended_session_without_live_records(place):
    empty = place.session()
    withdrawn = place.session(start=T0 + timedelta(days=1))
    place.note(withdrawn, retracted=True)
    assert message(place, empty, "no_records") == "The session has no scans, encounters or notes."
    assert flags_of(place, withdrawn, "no_records")


@pytest.mark.parametrize("record", ["scan", "encounter", "note"])
def test_no_records_stays_quiet_with_one_record_or_while_open(place, record):
    session = place.session()
    getattr(place, record)(session)
    db.session.flush()
    assert not flags_of(place, session, "no_records")
    assert not flags_of(place, place.session(start=T0 + timedelta(days=1), minutes=None))


# too_short / too_long ------------------------------------------------------------------


def test_too_short_fires_below_the_limit_and_says_how_short(place):
    short = place.session(minutes=9.5)
    exact = place.session(start=T0 + timedelta(days=1), minutes=10)
    assert message(place, short, "too_short") == "Only 9.5 minutes long (shorter than 10)."
    assert not flags_of(place, exact, "too_short")


def test_too_long_fires_above_the_limit_and_says_how_long(place):
    long = place.session(minutes=4 * 60 + 3)
    exact = place.session(start=T0 + timedelta(days=1), minutes=4 * 60)
    assert message(place, long, "too_long") == "4.05 hours long (longer than 4)."
    assert not flags_of(place, exact, "too_long")
    assert not flags_of(place, place.session(start=T0 + timedelta(days=2), minutes=None))


def test_thresholds_come_from_the_config(place, app):
    session = place.session(minutes=12)
    assert not flags_of(place, session, "too_short")
    app.config["REVIEW_THRESHOLDS"] = {"short_session_minutes": 15}
    try:
        assert thresholds().short_session_minutes == 15
        assert message(place, session, "too_short") == "Only 12 minutes long (shorter than 15)."
        app.config["REVIEW_THRESHOLDS"] = {"short_minutes": 15}
        with pytest.raises(ValueError, match="short_minutes"):
            flags_of(place, session)
    finally:
        app.config.pop("REVIEW_THRESHOLDS")


# outside_time --------------------------------------------------------------------------


def test_outside_time_counts_the_records_beyond_the_threshold(place):
    session = place.session()  # 08:00–09:00 UTC
    place.encounter(session, at=T0 - 2 * MIN)
    place.note(session, at=T0 + 60 * MIN + 5 * MIN)
    place.scan(session, at=T0 - 30 * MIN, retracted=True)  # withdrawn: not counted
    place.encounter(session, at=T0 - 50 * timedelta(seconds=1))  # within the minute
    place.note(session, at=T0 + 61 * MIN - timedelta(seconds=5))
    db.session.flush()
    assert message(place, session, "outside_time") == (
        "2 records lie outside the session's time, by up to 5 minutes (more than 1)."
    )


def test_outside_time_stays_quiet_within_the_threshold_and_after_an_open_start(place):
    session = place.session()
    place.encounter(session, at=T0 - 59 * timedelta(seconds=1))
    place.scan(session, at=T0 + 61 * MIN - timedelta(seconds=1))
    open_session = place.session(start=T0 + timedelta(days=1), minutes=None)
    place.note(open_session, at=open_session.started_at + timedelta(hours=3))
    db.session.flush()
    assert not flags_of(place, session, "outside_time")
    assert not flags_of(place, open_session, "outside_time")


def test_outside_time_says_one_record_in_the_singular(place):
    session = place.session()
    place.scan(session, at=T0 - 3 * MIN)
    assert message(place, session, "outside_time") == (
        "1 record lies outside the session's time, by up to 3 minutes (more than 1)."
    )


# clock_skew ----------------------------------------------------------------------------


def test_clock_skew_fires_when_a_phone_stamped_a_record_after_its_receipt(place):
    session = place.session()
    place.encounter(session, device_time=NOW + 11 * MIN, received_at=NOW)
    db.session.flush()
    assert message(place, session, "clock_skew") == (
        "The phone's clock ran 11 minutes ahead: it stamped a record later than the server "
        "received it (allowed: 10)."
    )


def test_clock_skew_of_the_session_row_itself(place):
    session = place.session(device_time=NOW + 25 * MIN, received_at=NOW)
    assert "25 minutes ahead" in message(place, session, "clock_skew")


def test_clock_skew_stays_quiet_within_the_limit_and_for_a_phone_that_was_offline(place):
    session = place.session(device_time=T0, received_at=T0 + timedelta(hours=20))
    place.encounter(session, device_time=NOW + 9 * MIN, received_at=NOW)
    # Saved offline at 08:05, sent the next day: a late receipt says nothing about the clock.
    place.note(session, device_time=T0 + 5 * MIN, received_at=T0 + timedelta(days=1))
    # A correction is stamped when corrected: compared with the time it arrived (updated_at).
    place.scan(
        session,
        revision=2,
        received_at=T0 + 10 * MIN,
        device_time=T0 + 50 * MIN,
        updated_at=T0 + 51 * MIN,
    )
    db.session.flush()
    assert not flags_of(place, session, "clock_skew")


# empty_busy_scan -----------------------------------------------------------------------


def test_empty_busy_scan_fires_for_a_scan_of_nobody_in_a_busy_session(place):
    session = place.session(crowding="busy")
    place.scan(session, counts={("age", "25-64"): 0, ("gender", "man"): 0}, zone=0)
    place.scan(session, counts={}, zone=1)
    place.scan(session, counts={("age", "25-64"): 3}, zone=0)
    assert message(place, session, "empty_busy_scan") == (
        "2 scans counted nobody (Entree, Leestafel) although the session's crowding was “busy”."
    )


def test_empty_busy_scan_stays_quiet_when_said_empty_counted_or_not_busy(place):
    busy = place.session(crowding="crowded")
    place.scan(busy, counts={}, conditions=["empty"])
    place.scan(busy, counts={("age", "65+"): 1, ("age", "0-14"): 0})
    place.scan(busy, counts={}, retracted=True)
    moderate = place.session(start=T0 + timedelta(days=1), crowding="moderate")
    place.scan(moderate, counts={})
    assert not flags_of(place, busy, "empty_busy_scan")
    assert not flags_of(place, moderate, "empty_busy_scan")


# unusual_rate --------------------------------------------------------------------------


def usual_mornings(place, hours: int = 3, per_hour: int = 10) -> None:
    """The site's baseline: one-hour sessions at 10:00 local time on earlier days."""
    for day in range(1, hours + 1):
        session = place.session(start=T0 - timedelta(days=day))
        place.encounters(session, per_hour)


@pytest.mark.parametrize(
    ("encounters", "fires"), [(31, True), (30, False), (4, False), (3, True), (0, True)]
)
def test_unusual_rate_fires_beyond_the_factor_either_way(place, encounters, fires):
    usual_mornings(place)
    session = place.session(start=T0 + timedelta(hours=1))  # 11:00, the same window
    place.encounters(session, encounters)
    assert bool(flags_of(place, session, "unusual_rate")) is fires


def test_unusual_rate_says_the_rate_and_the_usual_rate(place):
    usual_mornings(place)
    session = place.session(start=T0 + timedelta(hours=1))
    place.encounters(session, 40)
    assert message(place, session, "unusual_rate") == (
        "40 encounters in 60 minutes: 40.0 per hour, more than 3 times the usual 10.0 per hour "
        "at this site between 12:00\u202fAM and 12:00\u202fPM (3 hours observed)."
    )


def test_unusual_rate_needs_enough_baseline_hours(place):
    usual_mornings(place, hours=2)
    session = place.session(start=T0 + timedelta(hours=1))
    place.encounters(session, 40)
    assert not flags_of(place, session, "unusual_rate")
    more = place.session(start=T0 - timedelta(days=5))
    place.encounters(more, 10)
    assert flags_of(place, session, "unusual_rate")


def test_unusual_rate_leaves_rejected_sessions_out_of_the_usual_rate(place):
    usual_mornings(place, hours=2)
    rejected = place.session(start=T0 - timedelta(days=5), review_state="rejected")
    place.encounters(rejected, 10)
    session = place.session(start=T0 + timedelta(hours=1))
    place.encounters(session, 40)
    assert not flags_of(place, session, "unusual_rate")  # 2 hours of baseline: too few
    place.encounters(place.session(start=T0 - timedelta(days=6)), 10)
    assert flags_of(place, session, "unusual_rate")
    # The rejected session still has a rate of its own, against the others.
    place.encounters(rejected, 80)  # 90 per hour against a usual 17.5
    assert flags_of(place, rejected, "unusual_rate")


@pytest.mark.parametrize(("minutes", "fires"), [(29, False), (30, True)])
def test_unusual_rate_needs_a_long_enough_session(place, minutes, fires):
    usual_mornings(place)
    session = place.session(start=T0 + timedelta(hours=1), minutes=minutes)
    place.encounters(session, 40)
    assert bool(flags_of(place, session, "unusual_rate")) is fires


def test_unusual_rate_compares_only_with_the_same_site_and_time_window(place):
    usual_mornings(place)
    afternoon = place.session(start=T0 + timedelta(hours=5))  # 15:00 local
    place.encounters(afternoon, 40)
    park = place.session(start=T0 + timedelta(hours=1), site=place.park)
    place.encounters(park, 40)
    assert not flags_of(place, afternoon, "unusual_rate")
    assert not flags_of(place, park, "unusual_rate")


# overlap -------------------------------------------------------------------------------


def test_overlap_names_the_other_session_on_both_sides(place):
    first = place.session()  # 10:00–11:00 local
    second = place.session(start=T0 + 30 * MIN, site=place.park)
    assert message(place, first, "overlap") == (
        "Overlaps with another session of the same observer: "
        "Wijkpark, Mon, May 4, 10:30\u2009–\u200911:30\u202fAM."
    )
    assert "Bibliotheek" in message(place, second, "overlap")


def test_overlap_counts_an_open_session_until_now(place):
    first = place.session()
    place.session(start=T0 + 50 * MIN, minutes=None, site=place.park)
    assert "Wijkpark, since Mon, May 4, 10:50\u202fAM (still open)" in message(
        place, first, "overlap"
    )


def test_overlap_stays_quiet_for_touching_other_observers_and_retracted_sessions(place):
    first = place.session()
    place.session(start=T0 + 59 * MIN)  # one minute of overlap: within the tolerance
    place.session(start=T0 + 10 * MIN, fieldworker=place.other)
    place.session(start=T0 + 10 * MIN, retracted=True)
    assert not flags_of(place, first, "overlap")


# auto_closed ---------------------------------------------------------------------------


def test_auto_closed_fires_only_for_a_session_the_server_closed(place):
    closed = place.session(auto_closed_at=NOW)
    ended = place.session(start=T0 + timedelta(days=1))
    assert "the server closed it at its last record's time (5/4/26, 11:00\u202fAM)" in message(
        place, closed, "auto_closed"
    )
    assert not flags_of(place, ended, "auto_closed")


# the service as a whole ----------------------------------------------------------------


def test_flags_come_in_display_order_with_labels(place):
    session = place.session(minutes=5, auto_closed_at=NOW)
    found = flags_of(place, session)
    assert [f.code for f in found] == ["auto_closed", "no_records", "too_short"]
    assert [f.label for f in found] == ["closed automatically", "no records", "very short"]
    assert list(quality.FLAG_CODES) == list(quality.FLAGS)
    assert set(quality.FLAG_CODES) >= {
        "no_records",
        "too_short",
        "too_long",
        "outside_time",
        "clock_skew",
        "empty_busy_scan",
        "unusual_rate",
        "overlap",
        "auto_closed",
    }


def test_sessions_with_flag_for_the_queue_filter(place):
    short = place.session(minutes=5)
    fine = place.session(start=T0 + timedelta(days=1))
    place.note(fine)
    assert quality.sessions_with_flag(place.study, "too_short") == {short.id}
    assert quality.sessions_with_flag(place.study, "too_short", [fine.id]) == set()
    with pytest.raises(ValueError):
        quality.sessions_with_flag(place.study, "nonsense")


def test_ids_in_chunks_a_subquery_or_none_give_the_same_flags(place, monkeypatch):
    sessions = [place.session(start=T0 + timedelta(days=d), minutes=5) for d in range(7)]
    ids = [s.id for s in sessions]
    everything = quality.session_flags(place.study, now=NOW)
    monkeypatch.setattr(quality, "CHUNK", 3)
    assert quality.session_flags(place.study, ids, now=NOW) == everything
    subquery = sa.select(Session.id).where(Session.study_id == place.study.id)
    assert quality.session_flags(place.study, subquery, now=NOW) == everything
    assert quality.session_flags(place.study, [], now=NOW) == {}
    assert set(everything) == set(ids)


def test_retracted_sessions_and_other_studies_get_no_flags(place):
    withdrawn = place.session(minutes=5, retracted=True)
    other = factories.studies.create_study("Other", "other")
    assert quality.session_flags(place.study, [withdrawn.id]) == {}
    assert quality.session_flags(other) == {}


def test_the_number_of_queries_does_not_grow_with_the_sessions(place):
    def queries_for(days: range) -> int:
        for d in days:
            session = place.session(start=T0 + timedelta(days=d), minutes=5, crowding="busy")
            place.scan(session, counts={})
            place.encounter(session, device_time=NOW + timedelta(hours=1))
        db.session.flush()
        statements = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = quality.session_flags(place.study, now=NOW)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert len(found) >= len(days)
        return len(statements)

    few = queries_for(range(0, 3))
    many = queries_for(range(10, 40))
    assert many == few <= 12
