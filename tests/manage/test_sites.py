"""Sites and zones for coordinators: the services, opening hours, profiles and the pages."""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from observations import sites as places
from observations.capture import capture_data
from observations.extensions import db
from observations.models import Site, Slot, User, Zone
from observations.sites import hours, profile
from observations.validation import Invalid
from tests.manage.conftest import BASE, at, events, local, study


def coordinator() -> User:
    """Study alpha's coordinator."""
    return db.session.scalar(select(User).filter_by(username="alpha-coordinator"))


def new_site(name: str = "Bibliotheek", slug: str = "alpha", **values) -> Site:
    """A site made through the service."""
    fields = {"name": name, "kind": "library", "setting": "indoor", "address": "", "city": ""}
    return places.create_site(study(slug), {**fields, "neighbourhood": "", **values})


# -- services ---------------------------------------------------------------------------------


def test_each_change_to_a_site_leaves_one_audit_event_with_old_and_new(ctx):
    site = new_site(city="Almere")
    places.update_site(site, {**places.values_of(site, places.SITE_FIELDS), "city": "Tilburg"})
    places.update_site(site, places.values_of(site, places.SITE_FIELDS))  # nothing changed
    places.set_active(site, False, coordinator())
    places.set_active(site, False, coordinator())  # already archived
    recorded = events("site")
    assert recorded[-1].actor_id == coordinator().id
    assert [e.action for e in recorded] == ["create", "update", "archive"]
    assert recorded[0].changes["city"] == [None, "Almere"]
    assert recorded[1].changes == {"city": ["Almere", "Tilburg"]}
    assert recorded[2].changes == {"active": [True, False]}
    assert {e.study_id for e in recorded} == {study().id}


def test_a_name_is_unique_within_the_study_only(ctx):
    new_site("Markt")
    with pytest.raises(Invalid) as error:
        new_site("Markt")
    assert "name" in error.value.errors
    assert new_site("Markt", slug="beta").name == "Markt"


def test_sites_move_up_and_down_and_stop_at_the_ends(ctx):
    first, second, third = new_site("A"), new_site("B"), new_site("C")
    assert places.move_site(third, -1)
    assert [s.name for s in places.sites_of(study())] == ["A", "C", "B"]
    assert not places.move_site(first, -1)
    assert places.move_site(first, 1)
    assert [s.name for s in places.sites_of(study())] == ["C", "A", "B"]
    assert [e.action for e in events("site")].count("move") == 2
    assert second.position == 2


def test_a_site_with_a_slot_is_archived_never_deleted(ctx):
    site = new_site()
    zone = places.create_zone(site, {"name": "Entree", "description": "", "area_m2": 12.5})
    empty = places.create_zone(site, {"name": "Tuin", "description": "", "area_m2": None})
    slot = Slot(study_id=site.study_id, site_id=site.id, starts_at=at("2026-05-04 08:00"))
    slot.zones = [zone]
    db.session.add(slot)
    db.session.flush()
    with pytest.raises(Invalid):
        places.delete_site(site)
    with pytest.raises(Invalid):
        places.delete_zone(zone)
    places.delete_zone(empty)
    assert db.session.get(Zone, empty.id) is None
    assert events("zone")[-1].action == "delete"
    assert events("zone")[-1].changes["name"] == ["Tuin", None]


def test_a_site_nothing_refers_to_can_be_deleted_with_its_zones_hours_and_profile(ctx):
    site = new_site()
    places.create_zone(site, {"name": "Entree", "description": "", "area_m2": None})
    hours.set_hours(site, {0: [(time(9), time(17))]})
    profile.save_profile(site, date(2026, 5, 1), {"light": "good"})
    site_id = site.id
    places.delete_site(site)
    assert db.session.get(Site, site_id) is None
    assert db.session.scalar(select(func.count()).select_from(Zone).filter_by(site_id=site_id)) == 0


def test_archived_sites_and_zones_are_not_offered_to_the_phone(ctx):
    site = new_site("Park", kind="park")
    kept = places.create_zone(site, {"name": "Bankjes", "description": "", "area_m2": None})
    archived = places.create_zone(site, {"name": "Speeltuin", "description": "", "area_m2": None})
    gone = new_site("Oud")
    places.set_active(archived, False)
    places.set_active(gone, False)
    user = db.session.scalar(select(User).filter_by(username="alpha-fieldworker"))
    offered = {s["name"]: s for s in capture_data(study(), user)["sites"]}
    assert set(offered) == {"Park"}
    assert [z["id"] for z in offered["Park"]["zones"]] == [kept.id]


# -- opening hours ------------------------------------------------------------------------------


def test_a_site_without_hours_is_always_open(ctx):
    site = new_site()
    assert hours.is_open(site, at("2026-05-04 02:00"), at("2026-05-04 03:00"))
    assert hours.open_periods(site, date(2026, 5, 4)) == [(time.min, time.max)]


def test_is_open_needs_the_whole_span_within_one_period(ctx):
    site = new_site()
    hours.set_hours(site, {0: [(time(10), time(12)), (time(13), time(20))]})
    monday = "2026-05-04"  # a Monday in summer time (UTC+2)
    assert hours.is_open(site, local(f"{monday} 10:00"), local(f"{monday} 12:00"))
    assert not hours.is_open(site, local(f"{monday} 11:30"), local(f"{monday} 13:30"))
    assert not hours.is_open(site, local(f"{monday} 09:30"), local(f"{monday} 10:30"))
    # Tuesday has no periods: closed.
    assert not hours.is_open(site, local("2026-05-05 10:00"), local("2026-05-05 11:00"))
    assert hours.open_periods(site, date(2026, 5, 5)) == []
    assert hours.open_periods(site, date(2026, 5, 4)) == [
        (time(10), time(12)),
        (time(13), time(20)),
    ]


def test_is_open_reads_wall_clock_time_on_the_days_clocks_change(ctx):
    site = new_site()
    hours.set_hours(site, {6: [(time(10), time(12))]})
    # 29 March 2026: clocks go forward at 02:00; 10:00 in Amsterdam is 08:00 UTC.
    assert hours.is_open(site, at("2026-03-29 08:00"), at("2026-03-29 10:00"))
    assert not hours.is_open(site, at("2026-03-29 07:30"), at("2026-03-29 08:30"))
    # 25 October 2026: clocks go back at 03:00; 10:00 in Amsterdam is 09:00 UTC.
    assert hours.is_open(site, at("2026-10-25 09:00"), at("2026-10-25 11:00"))
    assert not hours.is_open(site, at("2026-10-25 08:00"), at("2026-10-25 09:30"))


def test_a_span_over_midnight_needs_both_evenings_and_mornings_open(ctx):
    site = new_site()
    hours.set_hours(site, {4: [(time(18), time(23, 59))], 5: [(time(0), time(2))]})
    friday_night = local("2026-05-08 23:00"), local("2026-05-09 01:00")
    assert hours.is_open(site, *friday_night)
    hours.set_hours(site, {4: [(time(18), time(23, 59))]})
    assert not hours.is_open(site, *friday_night)
    # Ending at midnight touches nothing of the next day.
    assert hours.is_open(site, local("2026-05-08 22:00"), local("2026-05-09 00:00"))


def test_hours_refuse_an_end_before_the_start_and_overlaps(ctx):
    site = new_site()
    with pytest.raises(Invalid) as error:
        hours.set_hours(
            site, {0: [(time(12), time(10))], 2: [(time(9), time(13)), (time(12), time(14))]}
        )
    assert set(error.value.errors) == {"0-0", "2-1"}
    assert site.opening_hours == []


def test_changing_hours_records_one_event_per_change_by_weekday(ctx):
    site = new_site()
    hours.set_hours(site, {0: [(time(9), time(17))]})
    hours.set_hours(site, {0: [(time(9), time(17))]})  # the same: nothing recorded
    hours.set_hours(site, {1: [(time(10), time(12)), (time(13), time(20))]})
    recorded = events("opening_hours")
    assert [e.changes for e in recorded] == [
        {"monday": [None, "09:00-17:00"]},
        {"monday": ["09:00-17:00", None], "tuesday": [None, "10:00-12:00, 13:00-20:00"]},
    ]


# -- profiles -------------------------------------------------------------------------------------


def test_every_profile_version_is_kept_and_profile_on_picks_the_one_that_held(ctx):
    site = new_site()
    first = profile.save_profile(site, date(2026, 3, 1), {"light": "poor", "seating_fixed": 4})
    second = profile.save_profile(site, date(2026, 5, 1), {"light": "good", "seating_fixed": 4})
    same_day = profile.save_profile(site, date(2026, 5, 1), {"light": "good", "seating_fixed": 6})
    assert profile.profile_on(site, date(2026, 2, 28)) is None
    assert profile.profile_on(site, date(2026, 4, 30)) == first
    assert profile.profile_on(site, date(2026, 5, 1)) == same_day
    assert profile.versions(site) == [first, second, same_day]
    history = profile.history(site)
    assert [row for row, _changed in history] == [same_day, second, first]
    assert [f.key for f in history[0][1]] == ["seating_fixed"]
    assert [f.key for f in history[1][1]] == ["light"]
    assert events("site_profile")[1].changes["light"] == ["poor", "good"]


def test_a_profile_keeps_only_what_the_checklist_offers(ctx):
    site = new_site()
    saved = profile.save_profile(
        site, date(2026, 5, 1), {"functions": ["cafe", "casino"], "light": "blinding", "x": 1}
    )
    assert saved.data["functions"] == ["cafe"]
    assert saved.data["light"] is None
    assert "x" not in saved.data


# -- pages ----------------------------------------------------------------------------------------


def test_a_new_site_without_a_name_is_refused_and_keeps_what_was_typed(app, coordinator_client):
    client, token = coordinator_client
    form = {"csrf_token": token, "name": "", "kind": "park", "setting": "outdoor", "city": "Zwolle"}
    answer = client.post(f"{BASE}/sites/new", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Geef de locatie een naam." in page
    assert 'value="Zwolle"' in page
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    page = client.post(f"{BASE}/sites/new", data=form).get_data(as_text=True)
    assert "Give the site a name." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Site)) == 0


def test_a_site_zone_and_hours_through_the_pages(app, coordinator_client):
    client, token = coordinator_client
    form = {"csrf_token": token, "name": "Wijkpark", "kind": "park", "setting": "mixed"}
    answer = client.post(f"{BASE}/sites/new", data=form)
    assert answer.status_code == 302
    site_url = answer.location
    answer = client.post(
        f"{site_url}/zones",
        data={"csrf_token": token, "zone-name": "Vijver", "zone-area_m2": "1.250,5"},
    )
    assert answer.status_code == 302
    hours_form = {
        "csrf_token": token,
        "d0p0_start": "10:00",
        "d0p0_end": "12:00",
        "d0p1_start": "11:00",
        "d0p1_end": "20:00",
    }
    answer = client.post(f"{site_url}/hours", data=hours_form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "maandag: de periodes overlappen" in page.lower()
    assert 'value="11:00"' in page
    answer = client.post(f"{site_url}/hours", data={**hours_form, "d0p1_start": "13:00"})
    assert answer.status_code == 302
    assert "1.250,5" in client.get(site_url).get_data(as_text=True)
    with app.app_context():
        site = db.session.scalar(select(Site).filter_by(name="Wijkpark"))
        assert site.zones[0].area_m2 == 1250.5
        assert len(site.opening_hours) == 2


def test_an_area_follows_the_language_and_must_be_positive(app, coordinator_client):
    client, token = coordinator_client
    client.post(
        f"{BASE}/sites/new",
        data={"csrf_token": token, "name": "Plein", "kind": "square", "setting": "outdoor"},
    )
    with app.app_context():
        site_id = db.session.scalar(select(Site.id).filter_by(name="Plein"))
    url = f"{BASE}/sites/{site_id}/zones"
    answer = client.post(url, data={"csrf_token": token, "zone-name": "Hoek", "zone-area_m2": "-3"})
    assert answer.status_code == 422
    assert "De oppervlakte moet meer dan 0 m²" in answer.get_data(as_text=True)
    answer = client.post(
        url, data={"csrf_token": token, "zone-name": "Hoek", "zone-area_m2": "twaalf"}
    )
    assert answer.status_code == 422
    assert "Geef de oppervlakte als getal" in answer.get_data(as_text=True)
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    assert (
        client.post(
            url, data={"csrf_token": token, "zone-name": "Hoek", "zone-area_m2": "12.5"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(Zone.area_m2).filter_by(name="Hoek")) == 12.5


def test_a_post_without_its_csrf_token_is_refused(app, coordinator_client):
    client, _token = coordinator_client
    answer = client.post(
        f"{BASE}/sites/new", data={"name": "Zonder", "kind": "park", "setting": "outdoor"}
    )
    assert answer.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Site)) == 0


def test_another_studys_site_and_zone_are_not_found(app, coordinator_client):
    client, token = coordinator_client
    with app.test_request_context():
        site = new_site("Buurthuis", slug="beta")
        zone = places.create_zone(site, {"name": "Zaal", "description": "", "area_m2": None})
        own = new_site("Eigen")
        db.session.commit()
        ids = site.id, zone.id, own.id
    assert client.get(f"{BASE}/sites/{ids[0]}").status_code == 404
    assert (
        client.post(f"{BASE}/sites/{ids[0]}/archive", data={"csrf_token": token}).status_code == 404
    )
    assert client.get(f"{BASE}/sites/{ids[2]}/zones/{ids[1]}").status_code == 404
    with app.app_context():
        assert db.session.get(Site, ids[0]).active


def test_the_overview_links_to_the_sites_and_offers_to_add_one(coordinator_client):
    client, _token = coordinator_client
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/sites"' in page
    assert f'href="{BASE}/sites/new"' in page


def test_the_profile_page_starts_from_the_current_version(app, coordinator_client):
    client, token = coordinator_client
    with app.test_request_context():
        site = new_site()
        profile.save_profile(site, date.today() - timedelta(days=3), {"hosting": "sometimes"})
        db.session.commit()
        url = f"{BASE}/sites/{site.id}/profile"
    page = client.get(url).get_data(as_text=True)
    assert re.search(
        r'<input checked id="hosting-\d" name="hosting" type="radio" value="sometimes">', page
    )
    answer = client.post(
        url, data={"csrf_token": token, "valid_from": "2026-05-01", "seating_movable": "-1"}
    )
    assert answer.status_code == 422
    answer = client.post(
        url,
        data={
            "csrf_token": token,
            "valid_from": "2026-05-01",
            "hosting": "always",
            "functions": ["cafe", "garden"],
        },
    )
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "Versies" in page


# -- counting lines -----------------------------------------------------------------------------


def _zone_of_alpha(app) -> tuple[int, int]:
    """A site of study alpha with one zone, made through the services: (site id, zone id)."""
    with app.test_request_context():
        site = new_site("Markt", kind="market")
        zone = places.create_zone(site, {"name": "Middenpad", "description": "", "area_m2": None})
        db.session.commit()
        return site.id, zone.id


def test_a_coordinator_marks_a_zone_as_counting_line_and_the_phone_is_told(app, coordinator_client):
    client, token = coordinator_client
    site_id, zone_id = _zone_of_alpha(app)
    url = f"{BASE}/sites/{site_id}/zones/{zone_id}"
    assert 'name="zone-counting_line"' in client.get(url).get_data(as_text=True)
    form = {"csrf_token": token, "zone-name": "Middenpad", "zone-counting_line": "y"}
    assert client.post(url, data=form).status_code == 302
    assert "tellijn" in client.get(f"{BASE}/sites/{site_id}").get_data(as_text=True)
    with app.test_request_context():
        assert db.session.get(Zone, zone_id).counting_line is True
        assert events("zone")[-1].changes == {"counting_line": [False, True]}
        user = db.session.scalar(select(User).filter_by(username="alpha-fieldworker"))
        zones = {s["name"]: s["zones"] for s in capture_data(study(), user)["sites"]}["Markt"]
        assert zones == [{"id": zone_id, "name": "Middenpad", "counting_line": True}]
    # An unticked box is no counting line any more.
    assert client.post(url, data={"csrf_token": token, "zone-name": "Middenpad"}).status_code == 302
    with app.app_context():
        assert db.session.get(Zone, zone_id).counting_line is False


def test_a_new_zone_can_be_a_counting_line_from_the_start(app, coordinator_client):
    client, token = coordinator_client
    site_id, _zone_id = _zone_of_alpha(app)
    form = {"csrf_token": token, "zone-name": "Ingang", "zone-counting_line": "y"}
    assert client.post(f"{BASE}/sites/{site_id}/zones", data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Zone.counting_line).filter_by(name="Ingang")) is True
        assert db.session.scalar(select(Zone.counting_line).filter_by(name="Middenpad")) is False


def test_the_counting_line_needs_the_csrf_token_and_a_coordinator(app, client, auth, world):
    site_id, zone_id = _zone_of_alpha(app)
    url = f"{BASE}/sites/{site_id}/zones/{zone_id}"
    form = {"zone-name": "Middenpad", "zone-counting_line": "y"}
    auth.login("alpha-coordinator")
    assert client.post(url, data=form).status_code == 400
    auth.logout()
    for username in ("alpha-fieldworker", "alpha-lead", "beta-coordinator"):
        auth.login(username)
        token = auth.token("/account")
        assert client.post(url, data={**form, "csrf_token": token}).status_code in (403, 404)
        auth.logout()
    with app.app_context():
        assert db.session.get(Zone, zone_id).counting_line is False
