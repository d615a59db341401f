"""The coordinator's schedule pages: list, week calendar, reassign, cancel and coverage."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from observations import accounts
from observations.extensions import db
from observations.models import Absence, AuditEvent, Availability, OpeningHours, Site, Slot
from observations.schedule.coverage import coverage
from tests.conftest import csrf_token
from tests.manage import schedule_data as data

BASE = "/studies/alpha/manage/schedule"


def _day_ahead(days: int) -> str:
    """A local date so many days from today, as "YYYY-MM-DD"."""
    return (datetime.now(data.AMSTERDAM).date() + timedelta(days=days)).isoformat()


@pytest.fixture
def planned(app, world):
    """Study alpha: a site, three fieldworkers, a single and a paired slot tomorrow, a slot of
    beta; returns their ids."""
    with app.app_context():
        alpha, beta = data.study("alpha"), data.study("beta")
        data.team(alpha)
        oost = data.site(alpha)
        west = data.site(alpha, "Buurthuis West")
        tomorrow = _day_ahead(1)
        single = data.slot(oost, data.local(tomorrow, "10:00"), data.user("alpha-fieldworker"))
        paired = data.slot(
            west,
            data.local(tomorrow, "14:00"),
            data.user("alpha-w2"),
            data.user("alpha-w3"),
            time_window="13:00-17:00",
        )
        other = data.slot(
            data.site(beta), data.local(tomorrow, "10:00"), data.user("beta-fieldworker")
        )
        db.session.commit()
        return {"single": single.id, "paired": paired.id, "beta": other.id}


def _codes(app) -> dict[str, str]:
    """Observer codes of alpha's fieldworkers by username."""
    with app.app_context():
        alpha = data.study()
        return {
            name: data.membership(alpha, name).observer_code
            for name in ("alpha-fieldworker", "alpha-w2", "alpha-w3")
        }


def _events(app, slot_id: int) -> list[AuditEvent]:
    """The audit events about a slot."""
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent).filter_by(entity="slot", entity_key=str(slot_id)))
        )


def _user_id(app, username: str) -> int:
    """An account's id."""
    with app.app_context():
        return data.user(username).id


def _post(client, url: str, fields: dict):
    """POST a form with the CSRF token of its page."""
    return client.post(url, data={**fields, "csrf_token": csrf_token(client.get(url).text)})


def test_list_shows_slots_with_site_zones_observers_and_paired_marker(client, auth, app, planned):
    auth.login("alpha-coordinator")
    codes = _codes(app)
    page = client.get(BASE).text
    assert "Bibliotheek Oost" in page and "Entree, Leestafels" in page
    assert f"{codes['alpha-w2']}</span> Alpha-W2" in page
    assert f"{codes['alpha-w3']}</span> Alpha-W3" in page
    assert page.count(">dubbel<") == 1, "one paired slot, marked"
    assert page.count("Bibliotheek Oost ·") == 1, "study beta's slot at its own site is not shown"


def test_list_filters_by_site_and_observer(client, auth, app, planned):
    auth.login("alpha-coordinator")
    with app.app_context():
        west = db.session.get(Slot, planned["paired"]).site_id
    page = client.get(BASE, query_string={"site": west}).text
    assert "Buurthuis West" in page and "Bibliotheek Oost ·" not in page
    w3 = _user_id(app, "alpha-w3")
    page = client.get(BASE, query_string={"observer": w3}).text
    assert "Buurthuis West" in page, "the second observer's slot is theirs too"
    assert "Bibliotheek Oost ·" not in page
    later = client.get(BASE, query_string={"first": _day_ahead(2), "last": _day_ahead(9)}).text
    assert "Geen tijdsloten gepland in deze periode." in later


def test_list_default_period_is_this_week_and_the_next_three(client, auth, app, planned):
    auth.login("alpha-coordinator")
    today = datetime.now(data.AMSTERDAM).date()
    monday = today - timedelta(days=today.weekday())
    page = client.get(BASE).text
    assert f'value="{monday.isoformat()}"' in page
    assert f'value="{(monday + timedelta(days=27)).isoformat()}"' in page


def test_week_calendar_has_seven_days_and_steps_between_weeks(client, auth, app, planned):
    auth.login("alpha-coordinator")
    tomorrow = date.fromisoformat(_day_ahead(1))
    monday = tomorrow - timedelta(days=tomorrow.weekday())
    page = client.get(f"{BASE}/week", query_string={"week": tomorrow.isoformat()}).text
    assert page.count('class="week-day"') == 7
    day = re.search(rf'<time datetime="{tomorrow.isoformat()}">.*?</section>', page, re.S).group(0)
    assert "Bibliotheek Oost" in day and "Buurthuis West" in day
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in page
    assert f"week={(monday + timedelta(days=7)).isoformat()}" in page
    next_week = client.get(
        f"{BASE}/week", query_string={"week": (monday + timedelta(days=7)).isoformat()}
    ).text
    assert "Bibliotheek Oost ·" not in next_week
    w2 = _user_id(app, "alpha-w2")
    filtered = client.get(
        f"{BASE}/week", query_string={"week": tomorrow.isoformat(), "observer": w2}
    ).text
    assert "Buurthuis West" in filtered and "Bibliotheek Oost ·" not in filtered
    assert f"observer={w2}" in filtered, "the filter follows the previous/next links"


def test_reassign_gives_the_slot_to_another_observer_with_one_audit_event(
    client, auth, app, planned
):
    auth.login("alpha-coordinator")
    codes = _codes(app)
    url = f"{BASE}/slots/{planned['single']}/reassign"
    w3 = _user_id(app, "alpha-w3")
    # alpha-w3 is the second observer at 14:00; the slot at 10:00 does not overlap it.
    answer = _post(client, url, {"fieldworker": w3, "partner": ""})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Slot, planned["single"]).fieldworker_id == w3
    [event] = _events(app, planned["single"])
    assert event.action == "reassign"
    assert event.changes == {"fieldworker": [codes["alpha-fieldworker"], codes["alpha-w3"]]}
    assert "Het tijdslot is anders toegewezen." in client.get(answer.location).text


def test_reassign_adds_a_second_observer(client, auth, app, planned):
    auth.login("alpha-coordinator")
    codes = _codes(app)
    fieldworker = _user_id(app, "alpha-fieldworker")
    w2 = _user_id(app, "alpha-w2")
    url = f"{BASE}/slots/{planned['single']}/reassign"
    assert _post(client, url, {"fieldworker": fieldworker, "partner": w2}).status_code == 302
    [event] = _events(app, planned["single"])
    assert event.changes == {"partner": [None, codes["alpha-w2"]]}


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("nl", "heeft op dat moment al een tijdslot (Buurthuis West); niemand wordt dubbel"),
        ("en", "already has a slot at that time (Buurthuis West); nobody is planned twice."),
    ],
)
def test_reassign_refuses_double_booking(client, auth, app, planned, locale, message):
    with app.app_context():
        data.user("alpha-coordinator").locale = locale
        # An overlapping slot at 14:30 for alpha-fieldworker; give them alpha-w2's at 14:00.
        alpha = data.study()
        tomorrow = _day_ahead(1)
        place = db.session.get(Slot, planned["paired"]).site
        data.slot(place, data.local(tomorrow, "14:30"), data.user("alpha-fieldworker"))
        db.session.commit()
        code = data.membership(alpha, "alpha-fieldworker").observer_code
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['paired']}/reassign"
    fieldworker, w3 = _user_id(app, "alpha-fieldworker"), _user_id(app, "alpha-w3")
    answer = _post(client, url, {"fieldworker": fieldworker, "partner": w3})
    assert answer.status_code == 422
    assert message in answer.text and code in answer.text
    assert f'<option selected value="{fieldworker}">' in answer.text, "the choice is kept"
    with app.app_context():
        assert db.session.get(Slot, planned["paired"]).fieldworker_id == _user_id(app, "alpha-w2")
    assert _events(app, planned["paired"]) == []


def test_reassign_refuses_an_observer_who_is_away_or_unavailable(client, auth, app, planned):
    tomorrow = date.fromisoformat(_day_ahead(1))
    with app.app_context():
        alpha = data.study()
        w2 = data.membership(alpha, "alpha-w2")
        db.session.add(Absence(membership_id=w2.id, first_day=tomorrow, last_day=tomorrow))
        w3 = data.membership(alpha, "alpha-w3")  # available only in the evening that weekday
        db.session.add(
            Availability(
                membership_id=w3.id,
                weekday=tomorrow.weekday(),
                starts=datetime.strptime("18:00", "%H:%M").time(),
                ends=datetime.strptime("21:00", "%H:%M").time(),
            )
        )
        db.session.commit()
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/reassign"
    for name in ("alpha-w2", "alpha-w3"):
        answer = _post(client, url, {"fieldworker": _user_id(app, name), "partner": ""})
        assert answer.status_code == 422
        assert "is op dat moment afwezig of niet beschikbaar." in answer.text
    assert _events(app, planned["single"]) == []


def test_reassign_refuses_the_same_observer_twice(client, auth, app, planned):
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/reassign"
    me = _user_id(app, "alpha-fieldworker")
    answer = _post(client, url, {"fieldworker": me, "partner": me})
    assert answer.status_code == 422
    assert "De tweede waarnemer moet iemand anders zijn." in answer.text


def test_reassign_refuses_someone_outside_the_team(client, auth, app, planned):
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/reassign"
    outsider = _user_id(app, "beta-fieldworker")
    answer = _post(client, url, {"fieldworker": outsider, "partner": ""})
    assert answer.status_code == 422
    assert _events(app, planned["single"]) == []


def test_cancel_keeps_the_slot_struck_through_with_its_reason(client, auth, app, planned):
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/cancel"
    answer = _post(client, url, {"note": "Bibliotheek dicht wegens verbouwing"})
    assert answer.status_code == 302
    with app.app_context():
        slot = db.session.get(Slot, planned["single"])
        assert (slot.status, slot.note) == ("cancelled", "Bibliotheek dicht wegens verbouwing")
    [event] = _events(app, planned["single"])
    assert event.action == "cancel"
    assert event.changes == {
        "status": ["planned", "cancelled"],
        "note": ["", "Bibliotheek dicht wegens verbouwing"],
    }
    page = client.get(BASE).text
    cancelled = page.split('id="cancelled-heading"')[1]
    assert "<del>" in cancelled and "Bibliotheek dicht wegens verbouwing" in cancelled
    assert "Bibliotheek Oost ·" not in page.split('id="cancelled-heading"')[0]
    again = _post(client, url, {"note": ""})
    assert again.status_code == 422 and "Dit tijdslot is al geannuleerd." in again.text
    assert len(_events(app, planned["single"])) == 1


def test_a_cancelled_slot_cannot_be_reassigned(client, auth, app, planned):
    auth.login("alpha-coordinator")
    _post(client, f"{BASE}/slots/{planned['single']}/cancel", {"note": ""})
    url = f"{BASE}/slots/{planned['single']}/reassign"
    answer = _post(client, url, {"fieldworker": _user_id(app, "alpha-w2"), "partner": ""})
    assert answer.status_code == 422
    assert "Een geannuleerd tijdslot kan niet" in answer.text


@pytest.mark.parametrize("action", ["reassign", "cancel"])
def test_changes_need_a_csrf_token(client, auth, app, planned, action):
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/{action}"
    w2 = _user_id(app, "alpha-w2")
    answer = client.post(url, data={"fieldworker": w2, "note": "x"})
    assert answer.status_code == 400
    with app.app_context():
        slot = db.session.get(Slot, planned["single"])
        assert (slot.status, slot.fieldworker_id) == ("planned", _user_id(app, "alpha-fieldworker"))
    assert _events(app, planned["single"]) == []


@pytest.mark.parametrize("action", ["reassign", "cancel"])
def test_another_studys_slot_is_not_found(client, auth, app, planned, action):
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['beta']}/{action}"
    assert client.get(url).status_code == 404
    token = csrf_token(client.get(BASE).text)
    answer = client.post(url, data={"csrf_token": token, "note": "x"})
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(Slot, planned["beta"]).status == "planned"


def test_fieldworkers_and_leads_may_not_change_the_schedule(client, auth, app, planned):
    auth.login("alpha-lead")
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/slots/{planned['single']}/cancel").status_code == 403


# -- coverage on a small known data set ----------------------------------------------------


@pytest.fixture
def known(app, world):
    """Two weeks of March 2026 at one site, some done, some missed, one unplanned session."""
    with app.app_context():
        alpha = data.study()
        oost = data.site(alpha)
        me = data.user("alpha-fieldworker")
        # Weekdays: Mon 16 and Tue 17 in 09:00-12:00, Wed 18 in 13:00-17:00.
        mon = data.slot(oost, data.local("2026-03-16", "10:00"), me)
        data.slot(oost, data.local("2026-03-17", "10:00"), me)
        wed = data.slot(oost, data.local("2026-03-18", "14:00"), me, time_window="13:00-17:00")
        # Weekend: Sat 21 09:00-12:00 (done by an unplanned session), Sun 22 cancelled.
        data.slot(oost, data.local("2026-03-21", "09:30"), me)
        data.slot(oost, data.local("2026-03-22", "09:30"), me, status="cancelled")
        data.session(oost, data.local("2026-03-16", "10:02"), me, mon)
        data.session(oost, data.local("2026-03-18", "14:05"), me, wed)
        data.session(oost, data.local("2026-03-21", "11:00"), me)  # unplanned, in the window
        data.session(oost, data.local("2026-03-22", "14:00"), me)  # unplanned, weekend 13-17
        data.session(oost, data.local("2026-03-19", "20:00"), me)  # outside every window
        db.session.commit()
        return oost.id


def test_coverage_counts_planned_done_and_missed(app, known):
    now = data.local("2026-04-01", "12:00")
    with app.app_context():
        table = coverage(data.study(), date(2026, 3, 16), date(2026, 3, 29), now=now)
        assert table.windows == ["09:00-12:00", "13:00-17:00"]
        cells = {(site.id, kind): cells for site, kind, cells in table.rows}
        weekday, weekend = cells[known, "weekday"], cells[known, "weekend"]
        morning, afternoon = weekday["09:00-12:00"], weekday["13:00-17:00"]
        assert (morning.planned, morning.done, morning.missed) == (2, 1, 1)
        assert (afternoon.planned, afternoon.done, afternoon.missed) == (1, 1, 0)
        sat = weekend["09:00-12:00"]
        assert (sat.planned, sat.done, sat.missed) == (1, 1, 0), "the unplanned session counts"
        sun = weekend["13:00-17:00"]
        assert (sun.planned, sun.done, sun.gap) == (0, 1, True), "nothing planned is a gap"
        assert morning.gap and not afternoon.gap and not sat.gap
        assert table.outside == 1


def test_coverage_calls_a_window_the_site_is_never_open_closed_not_a_gap(app, known):
    with app.app_context():
        place = db.session.get(Site, known)
        place.opening_hours = [
            OpeningHours(weekday=day, opens=time(9), closes=time(12)) for day in range(5)
        ]
        db.session.commit()
        table = coverage(
            data.study(),
            date(2026, 3, 16),
            date(2026, 3, 29),
            now=data.local("2026-04-01", "12:00"),
        )
        cells = {(site.id, kind): cells for site, kind, cells in table.rows}
        weekday, weekend = cells[known, "weekday"], cells[known, "weekend"]
        assert not weekday["09:00-12:00"].closed and weekday["13:00-17:00"].closed
        sunday_afternoon = weekend["13:00-17:00"]
        assert sunday_afternoon.closed and sunday_afternoon.planned == 0
        assert not sunday_afternoon.gap, "nothing planned where the site is closed is no gap"


def test_coverage_of_slots_still_to_come(app, known):
    now = data.local("2026-03-17", "08:00")
    with app.app_context():
        table = coverage(data.study(), date(2026, 3, 16), date(2026, 3, 22), now=now)
        morning = {kind: cells for _site, kind, cells in table.rows}["weekday"]["09:00-12:00"]
        assert (morning.planned, morning.done, morning.missed, morning.upcoming) == (2, 1, 0, 1)


def test_coverage_page_is_a_table_with_gaps_marked(client, auth, app, known):
    auth.login("alpha-coordinator")
    page = client.get(
        f"{BASE}/coverage", query_string={"first": "2026-03-16", "last": "2026-03-29"}
    ).text
    assert '<th scope="col">09:00-12:00</th>' in page
    assert '<th scope="row">Bibliotheek Oost · doordeweeks</th>' in page
    assert "1 van 2 gedaan" in page and "1 gemist" in page
    assert "niets gepland" in page
    assert page.count('class="gap"') == 2  # the weekday morning missed; nothing on Sunday


def test_reassign_refuses_a_slot_in_another_study_without_naming_its_site(
    client, auth, app, planned
):
    with app.app_context():
        beta = data.study("beta")
        w2 = data.user("alpha-w2")
        accounts.add_member(beta, w2, "fieldworker")
        place = data.site(beta, "Geheime Plek")
        data.slot(place, data.local(_day_ahead(1), "10:30"), w2)
        db.session.commit()
    auth.login("alpha-coordinator")
    url = f"{BASE}/slots/{planned['single']}/reassign"
    answer = _post(client, url, {"fieldworker": _user_id(app, "alpha-w2"), "partner": ""})
    assert answer.status_code == 422
    assert "heeft op dat moment al een tijdslot; niemand wordt dubbel ingepland." in answer.text
    assert "Geheime Plek" not in answer.text
