"""An observer's slots as iCalendar, read back with a real parser and checked as a calendar."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from observations.extensions import db
from observations.models import Slot
from observations.schedule import calendar as ical
from tests.manage import schedule_data as data

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def slots(app, world):
    """alpha-fieldworker: a slot before and one after the change to summer time, one as second
    observer, one cancelled; alpha-w2 and beta's fieldworker have their own."""
    with app.app_context():
        alpha = data.study()
        data.team(alpha)
        oost = data.site(alpha)
        me, w2 = data.user("alpha-fieldworker"), data.user("alpha-w2")
        winter = data.slot(oost, data.local("2026-03-27", "10:00"), me)  # CET, UTC+1
        summer = data.slot(oost, data.local("2026-03-30", "10:00"), me, duration_minutes=90)
        paired = data.slot(oost, data.local("2026-03-31", "14:00"), w2, me)
        data.slot(oost, data.local("2026-03-28", "10:00"), me, status="cancelled")
        data.slot(oost, data.local("2026-03-28", "10:00"), w2)
        data.slot(data.site(data.study("beta")), data.local("2026-03-27", "10:00"), me)
        db.session.commit()
        return {"winter": winter.id, "summer": summer.id, "paired": paired.id}


def _export(app, username: str = "alpha-fieldworker") -> Calendar:
    """The user's calendar of study alpha, parsed back."""
    with app.app_context():
        return Calendar.from_ical(ical.feed(data.study(), data.user(username), now=NOW))


def _by_uid(calendar: Calendar) -> dict:
    """The calendar's events by UID."""
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_one_event_per_planned_slot_of_the_observer_incl_as_partner(app, slots):
    calendar = _export(app)
    with app.app_context():
        alpha = data.study()
        expected = {ical.uid(alpha, db.session.get(Slot, i)) for i in slots.values()}
    assert set(_by_uid(calendar)) == expected, "no cancelled slot, nobody else's, no other study"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == ical.PRODID
    assert "W" in str(calendar["X-WR-CALNAME"])


def test_times_carry_the_amsterdam_zone_and_the_right_instants_across_dst(app, slots):
    calendar = _export(app)
    winter, summer, _paired = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    winter_start, winter_end = winter.decoded("DTSTART"), winter.decoded("DTEND")
    summer_start, summer_end = summer.decoded("DTSTART"), summer.decoded("DTEND")
    text = calendar.to_ical().decode()
    assert "DTSTART;TZID=Europe/Amsterdam:20260327T100000" in text, "local wall-clock time"
    assert "DTSTART;TZID=Europe/Amsterdam:20260330T100000" in text
    for event in (winter, summer):
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"
    assert winter_start.astimezone(UTC) == datetime(2026, 3, 27, 9, tzinfo=UTC)
    assert winter_end.astimezone(UTC) == datetime(2026, 3, 27, 10, tzinfo=UTC)
    assert summer_start.astimezone(UTC) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert summer_end.astimezone(UTC) == datetime(2026, 3, 30, 9, 30, tzinfo=UTC)


def test_a_vtimezone_describes_the_zone(app, slots):
    calendar = _export(app)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Amsterdam"
    offsets = {str(part["TZNAME"]) for part in zone.walk() if part.name in ("STANDARD", "DAYLIGHT")}
    assert {"CET", "CEST"} <= offsets
    # A parser that knows no zone names reads the file's own VTIMEZONE: the instants hold.
    text = calendar.to_ical().decode()
    assert "BEGIN:DAYLIGHT" in text and "TZOFFSETTO:+0200" in text


def test_uids_stay_the_same_across_exports_and_a_reassignment(app, slots):
    first = set(_by_uid(_export(app)))
    with app.app_context():
        slot = db.session.get(Slot, slots["winter"])
        slot.starts_at = data.local("2026-03-27", "11:00")
        db.session.commit()
    assert set(_by_uid(_export(app))) == first


def test_events_say_where_what_and_with_whom_but_nothing_of_the_observed(app, slots):
    with app.app_context():
        alpha = data.study()
        w2_code = data.membership(alpha, "alpha-w2").observer_code
        paired_uid = ical.uid(alpha, db.session.get(Slot, slots["paired"]))
    events = _by_uid(_export(app))
    paired = events[paired_uid]
    assert "Bibliotheek Oost" in str(paired["SUMMARY"])
    assert str(paired["LOCATION"]) == "Linnaeusstraat 1, Amsterdam"
    description = str(paired["DESCRIPTION"])
    assert "Entree, Leestafels" in description and w2_code in description
    assert all("DTSTAMP" in event for event in events.values())


def test_the_partner_sees_the_slot_with_the_first_observers_code(app, slots):
    with app.app_context():
        alpha = data.study()
        my_code = data.membership(alpha, "alpha-fieldworker").observer_code
        paired_uid = ical.uid(alpha, db.session.get(Slot, slots["paired"]))
    events = _by_uid(_export(app, "alpha-w2"))
    assert len(events) == 2
    assert my_code in str(events[paired_uid]["DESCRIPTION"])


def test_an_observer_without_slots_gets_an_empty_calendar_with_its_zone(app, slots):
    calendar = _export(app, "alpha-w3")
    assert list(calendar.walk("VEVENT")) == []
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
