"""The observer's calendar: a private address (shown once, revocable), the public feed at it,
a logged-in download, the `schedule ical` command, and partner slots on the fieldworker home."""

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from observations.extensions import db
from observations.models import AuditEvent, Membership
from tests.conftest import csrf_token
from tests.manage import schedule_data as data
from tests.manage.test_schedule_pages import _day_ahead

FIELD = "/studies/alpha/field"


@pytest.fixture
def slots(app, world):
    """alpha-fieldworker: one own slot tomorrow and one as second observer the day after."""
    with app.app_context():
        alpha = data.study()
        data.team(alpha)
        oost = data.site(alpha)
        me, w2 = data.user("alpha-fieldworker"), data.user("alpha-w2")
        data.slot(oost, data.local(_day_ahead(1), "10:00"), me)
        data.slot(data.site(alpha, "Buurthuis West"), data.local(_day_ahead(2), "14:00"), w2, me)
        db.session.commit()


def _new_address(client) -> str:
    """Make a private calendar address on the calendar page; return the address shown."""
    page = client.get(f"{FIELD}/calendar").text
    answer = client.post(f"{FIELD}/calendar", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 200
    found = re.search(r'<code class="token-value">(http[^<]+)</code>', answer.text)
    assert found, "the new address is shown"
    return found.group(1)


def _path(address: str) -> str:
    """The path of an absolute address."""
    return "/" + address.split("/", 3)[3]


def test_the_feed_works_without_login_and_shows_only_the_holders_slots(client, auth, app, slots):
    auth.login("alpha-fieldworker")
    address = _new_address(client)
    assert address.startswith("http://localhost/calendar/") and address.endswith(".ics")
    assert address not in client.get(f"{FIELD}/calendar").text, "shown once only"
    auth.logout()
    anonymous = app.test_client()
    answer = anonymous.get(_path(address))
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    cache = answer.headers["Cache-Control"]
    assert "no-store" in cache and "private" in cache
    assert "Set-Cookie" not in answer.headers
    summaries = sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(answer.data).walk("VEVENT"))
    assert summaries == ["Observatie bij Bibliotheek Oost", "Observatie bij Buurthuis West"]
    with app.app_context():
        stored = db.session.scalar(
            select(Membership.calendar_token_hash).filter_by(
                user_id=data.user("alpha-fieldworker").id
            )
        )
        assert stored and stored not in address, "only a hash of the token is stored"
        [event] = db.session.scalars(select(AuditEvent).filter_by(entity="calendar_address"))
        assert event.action == "create"


def test_a_new_address_revokes_the_old_one(client, auth, app, slots):
    auth.login("alpha-fieldworker")
    old = _new_address(client)
    assert "Nieuw adres maken" in client.get(f"{FIELD}/calendar").text
    new = _new_address(client)
    anonymous = app.test_client()
    assert anonymous.get(_path(old)).status_code == 404
    assert anonymous.get(_path(new)).status_code == 200


def test_an_unknown_token_or_a_deactivated_member_gets_404(client, auth, app, slots):
    assert client.get("/calendar/niet-geldig.ics").status_code == 404
    auth.login("alpha-fieldworker")
    address = _new_address(client)
    with app.app_context():
        data.membership(data.study(), "alpha-fieldworker").active = False
        db.session.commit()
    assert app.test_client().get(_path(address)).status_code == 404


def test_making_an_address_needs_a_csrf_token(client, auth, app, slots):
    auth.login("alpha-fieldworker")
    assert client.post(f"{FIELD}/calendar", data={}).status_code == 400
    with app.app_context():
        assert data.membership(data.study(), "alpha-fieldworker").calendar_token_hash is None


def test_the_download_holds_the_observers_own_slots(client, auth, app, slots):
    assert client.get(f"{FIELD}/calendar.ics").status_code == 302, "login first"
    auth.login("alpha-w2")
    answer = client.get(f"{FIELD}/calendar.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert "attachment" in answer.headers["Content-Disposition"]
    events = list(Calendar.from_ical(answer.data).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Observatie bij Buurthuis West"]


def test_the_fieldworker_home_shows_partner_slots_and_the_calendar(client, auth, app, slots):
    auth.login("alpha-fieldworker")
    page = client.get(f"{FIELD}/").text
    assert "Bibliotheek Oost" in page and "Buurthuis West" in page
    assert ">dubbel<" in page
    assert f'href="{FIELD}/calendar"' in page and f'href="{FIELD}/calendar.ics"' in page


def test_cli_writes_an_observers_slots(runner, app, slots, tmp_path):
    with app.app_context():
        code = data.membership(data.study(), "alpha-fieldworker").observer_code
    out = tmp_path / "agenda.ics"
    result = runner.invoke(args=["schedule", "ical", "alpha", "--observer", code, "--out", out])
    assert result.exit_code == 0, result.output
    assert "2 tijdsloten" in result.output
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len(events) == 2
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Europe/Amsterdam"}


def test_cli_refuses_an_unknown_observer_or_study(runner, app, slots, tmp_path):
    out = tmp_path / "agenda.ics"
    result = runner.invoke(args=["schedule", "ical", "alpha", "--observer", "W99", "--out", out])
    assert result.exit_code == 2 and "W99" in result.output and not out.exists()
    result = runner.invoke(args=["schedule", "ical", "gamma", "--observer", "W01", "--out", out])
    assert result.exit_code == 2 and "gamma" in result.output
