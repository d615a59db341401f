"""The team: observer codes, roles, deactivation, links, availability and dates away."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from observations import accounts, team
from observations import sites as places
from observations.export import ExportOptions
from observations.export.source import StudyData
from observations.extensions import db
from observations.models import Membership, PasswordLink, User
from observations.sync import sync_records
from observations.validation import Invalid
from tests import factories
from tests.access.world import session_records
from tests.manage.conftest import BASE, at, events, local, study


def membership(username: str, slug: str = "alpha") -> Membership:
    """A user's membership of a study."""
    return db.session.scalar(
        select(Membership)
        .join(User)
        .filter(User.username == username, Membership.study_id == study(slug).id)
    )


# -- observer codes -------------------------------------------------------------------------------


def test_a_deactivated_member_keeps_their_code_and_nobody_gets_it_again(ctx):
    # The world's study alpha has W01 to W03 (coordinator, lead, fieldworker).
    leaving = membership("alpha-fieldworker")
    assert leaving.observer_code == "W03"
    team.set_active(leaving, False)
    newcomer, _token = team.invite(study(), "nieuwkomer", "", "fieldworker")
    assert newcomer.observer_code == "W04"
    assert leaving.observer_code == "W03" and not leaving.active
    team.set_active(leaving, True)
    assert leaving.observer_code == "W03"
    later = accounts.add_member(study(), factories.user("later"), "fieldworker")
    codes = [m.observer_code for m in team.members(study())]
    assert later.observer_code == "W05"
    assert len(codes) == len(set(codes))


# -- roles, status, links -------------------------------------------------------------------------


def test_role_and_status_changes_leave_one_event_each_with_old_and_new(ctx):
    member = membership("alpha-fieldworker")
    boss = db.session.scalar(select(User).filter_by(username="alpha-coordinator"))
    before = len(events("membership"))
    assert team.change_role(member, "lead", boss)
    assert not team.change_role(member, "lead", boss)
    assert team.set_active(member, False, boss)
    assert not team.set_active(member, False, boss)
    recorded = events("membership")[before:]
    assert [(e.action, e.changes) for e in recorded] == [
        ("update", {"role": ["fieldworker", "lead"]}),
        ("deactivate", {"active": [True, False]}),
    ]
    assert {e.actor_id for e in recorded} == {boss.id}


def test_nobody_changes_their_own_membership(ctx):
    boss = db.session.scalar(select(User).filter_by(username="alpha-coordinator"))
    with pytest.raises(Invalid):
        team.set_active(membership("alpha-coordinator"), False, boss)
    with pytest.raises(Invalid):
        team.change_role(membership("alpha-coordinator"), "fieldworker", boss)


def test_links_only_for_fieldworkers_without_another_role(ctx):
    assert team.may_get_link(membership("alpha-fieldworker"))
    assert not team.may_get_link(membership("alpha-lead"))
    # A fieldworker here who coordinates another study: only the admin resets them.
    beta_boss = db.session.scalar(select(User).filter_by(username="beta-coordinator"))
    both = accounts.add_member(study(), beta_boss, "fieldworker")
    assert not team.may_get_link(both)
    with pytest.raises(Invalid):
        team.issue_link(both)
    assert team.issue_link(membership("alpha-fieldworker"))
    assert (
        db.session.scalar(select(PasswordLink.purpose).order_by(PasswordLink.id.desc())) == "invite"
    )


# -- availability ---------------------------------------------------------------------------------


def test_without_availability_a_member_is_available_any_time(ctx):
    member = membership("alpha-fieldworker")
    assert team.is_available(member, local("2026-05-04 03:00"), local("2026-05-04 04:00"))


def test_is_available_within_the_weekly_periods_only(ctx):
    member = membership("alpha-fieldworker")
    team.set_availability(member, {0: [(time(9), time(12)), (time(18), time(21))]})
    assert team.is_available(member, local("2026-05-04 09:00"), local("2026-05-04 12:00"))
    assert team.is_available(member, local("2026-05-04 19:00"), local("2026-05-04 20:00"))
    assert not team.is_available(member, local("2026-05-04 11:30"), local("2026-05-04 12:30"))
    assert not team.is_available(member, local("2026-05-05 09:00"), local("2026-05-05 10:00"))


def test_is_available_reads_local_time_on_the_days_clocks_change(ctx):
    member = membership("alpha-fieldworker")
    team.set_availability(member, {6: [(time(9), time(12))]})
    # 29 March 2026 (summer time from 02:00): 09:00 in Amsterdam is 07:00 UTC.
    assert team.is_available(member, at("2026-03-29 07:00"), at("2026-03-29 08:00"))
    assert not team.is_available(member, at("2026-03-29 06:30"), at("2026-03-29 07:30"))
    # 25 October 2026 (winter time from 03:00): 09:00 in Amsterdam is 08:00 UTC.
    assert team.is_available(member, at("2026-10-25 08:00"), at("2026-10-25 11:00"))
    assert not team.is_available(member, at("2026-10-25 07:30"), at("2026-10-25 08:30"))


def test_an_absence_covers_whole_days_and_slots_over_midnight(ctx):
    member = membership("alpha-fieldworker")
    team.add_absence(member, date(2026, 5, 5), date(2026, 5, 5), "tandarts")
    assert not team.is_available(member, local("2026-05-05 10:00"), local("2026-05-05 11:00"))
    # Overnight into the day away: not available.
    assert not team.is_available(member, local("2026-05-04 23:00"), local("2026-05-05 01:00"))
    # Out of the day away after midnight: not available either.
    assert not team.is_available(member, local("2026-05-05 23:30"), local("2026-05-06 00:30"))
    # Ending at midnight before it, or starting at midnight after it: available.
    assert team.is_available(member, local("2026-05-04 22:00"), local("2026-05-05 00:00"))
    assert team.is_available(member, local("2026-05-06 00:00"), local("2026-05-06 01:00"))
    # The absence is judged by the study's day: 23:30 UTC on 4 May is 5 May in Amsterdam.
    assert not team.is_available(member, at("2026-05-04 22:30"), at("2026-05-04 23:00"))


def test_observers_are_active_fieldworkers_and_others_who_gave_availability(ctx):
    assert [m.user.username for m in team.observers(study())] == ["alpha-fieldworker"]
    team.set_availability(membership("alpha-lead"), {2: [(time(13), time(17))]})
    assert {m.user.username for m in team.observers(study())} == {"alpha-fieldworker", "alpha-lead"}
    team.set_active(membership("alpha-fieldworker"), False)
    assert [m.user.username for m in team.observers(study())] == ["alpha-lead"]


def test_availability_changes_and_absences_are_audited_once_each(ctx):
    member = membership("alpha-fieldworker")
    team.set_availability(member, {0: [(time(9), time(12))]})
    team.set_availability(member, {0: [(time(9), time(12))]})
    absence = team.add_absence(member, date(2026, 7, 1), date(2026, 7, 3))
    team.remove_absence(absence)
    assert [e.changes for e in events("availability")] == [{"monday": [None, "09:00-12:00"]}]
    assert [(e.action, e.changes["first_day"]) for e in events("absence")] == [
        ("create", [None, "2026-07-01"]),
        ("delete", ["2026-07-01", None]),
    ]
    with pytest.raises(Invalid):
        team.set_availability(member, {1: [(time(12), time(9))]})


# -- pages ----------------------------------------------------------------------------------------


def test_a_new_person_gets_a_one_time_link_to_copy(app, coordinator_client):
    client, token = coordinator_client
    form = {
        "csrf_token": token,
        "who": "new",
        "username": "J.deVries",
        "display_name": "Jan",
        "role": "fieldworker",
    }
    answer = client.post(f"{BASE}/team", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'readonly value="http://localhost/password/' in page or "/password/" in page
    assert "js/copy.js" in page
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(username="j.devries"))
        assert membership("j.devries").role == "fieldworker"
        assert (
            db.session.scalar(select(PasswordLink.purpose).filter_by(user_id=user.id)) == "invite"
        )


def test_an_unknown_username_is_refused_in_the_users_language_and_kept(app, coordinator_client):
    client, token = coordinator_client
    form = {"csrf_token": token, "who": "existing", "username": "niemand-hier", "role": "lead"}
    answer = client.post(f"{BASE}/team", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Er is geen account met deze gebruikersnaam." in page
    assert 'value="niemand-hier"' in page
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    page = client.post(f"{BASE}/team", data=form).get_data(as_text=True)
    assert "There is no account with this username." in page


def test_an_existing_account_joins_with_the_next_code(app, coordinator_client):
    client, token = coordinator_client
    form = {"csrf_token": token, "who": "existing", "username": "beta-lead", "role": "fieldworker"}
    answer = client.post(f"{BASE}/team", data=form)
    assert answer.status_code == 302
    with app.app_context():
        assert membership("beta-lead").observer_code == "W04"
        assert membership("beta-lead", "beta").role == "lead"


def test_a_deactivated_member_no_longer_sees_the_study(app, client, auth, world):
    auth.login("alpha-coordinator")
    token = auth.token(f"{BASE}/team")
    with app.app_context():
        member_id = membership("alpha-fieldworker").id
    assert (
        client.post(f"{BASE}/team/{member_id}/deactivate", data={"csrf_token": token}).status_code
        == 302
    )
    auth.logout()
    auth.login("alpha-fieldworker")
    assert client.get("/studies/alpha/field/").status_code == 404
    with app.app_context():
        assert membership("alpha-fieldworker").observer_code == "W03"


def test_availability_with_overlapping_periods_is_refused_with_the_input_kept(
    app, coordinator_client
):
    client, token = coordinator_client
    with app.app_context():
        member_id = membership("alpha-fieldworker").id
    form = {
        "csrf_token": token,
        "d4p0_start": "09:00",
        "d4p0_end": "13:00",
        "d4p1_start": "12:00",
        "d4p1_end": "17:00",
    }
    answer = client.post(f"{BASE}/team/{member_id}/availability", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "vrijdag: de periodes overlappen" in page
    assert 'value="12:00"' in page
    answer = client.post(
        f"{BASE}/team/{member_id}/availability", data={**form, "d4p1_start": "25:00"}
    )
    assert "Geef een tijd zoals 09:30." in answer.get_data(as_text=True)
    form["d4p1_start"] = "13:00"
    assert client.post(f"{BASE}/team/{member_id}/availability", data=form).status_code == 302
    with app.app_context():
        assert len(membership("alpha-fieldworker").availability) == 2
        assert len(events("availability")) == 1


def test_dates_away_through_the_page(app, coordinator_client):
    client, token = coordinator_client
    with app.app_context():
        member_id = membership("alpha-fieldworker").id
    url = f"{BASE}/team/{member_id}/absences"
    answer = client.post(
        url,
        data={
            "csrf_token": token,
            "first_day": "2026-08-10",
            "last_day": "2026-08-01",
            "note": "vakantie",
        },
    )
    assert answer.status_code == 422
    assert "De laatste dag ligt vóór de eerste dag." in answer.get_data(as_text=True)
    assert 'value="vakantie"' in answer.get_data(as_text=True)
    answer = client.post(
        url, data={"csrf_token": token, "first_day": "2026-08-01", "last_day": "2026-08-10"}
    )
    assert answer.status_code == 302
    page = client.get(f"{BASE}/team/{member_id}").get_data(as_text=True)
    assert "Geen beschikbaarheid ingevuld: altijd beschikbaar." in page


def test_another_studys_member_is_not_found_and_csrf_is_required(app, coordinator_client):
    client, token = coordinator_client
    with app.app_context():
        other = membership("beta-fieldworker", "beta").id
        own = membership("alpha-fieldworker").id
    assert client.get(f"{BASE}/team/{other}").status_code == 404
    assert (
        client.post(f"{BASE}/team/{other}/deactivate", data={"csrf_token": token}).status_code
        == 404
    )
    assert client.post(f"{BASE}/team/{own}/deactivate", data={}).status_code == 400
    with app.app_context():
        assert membership("beta-fieldworker", "beta").active
        assert membership("alpha-fieldworker").active


def test_a_link_for_a_lead_is_left_to_the_admin(app, coordinator_client):
    client, token = coordinator_client
    with app.app_context():
        lead = membership("alpha-lead").id
        before = db.session.scalar(select(func.count()).select_from(PasswordLink))
    assert client.post(f"{BASE}/team/{lead}/link", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PasswordLink)) == before


def test_the_overview_links_to_the_team(coordinator_client):
    client, _token = coordinator_client
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/team"' in page
    assert f'href="{BASE}/team#add-heading"' in page


def test_records_at_an_archived_site_by_a_deactivated_member_still_export(ctx):
    site = places.create_site(
        study(),
        {
            "name": "Markt",
            "kind": "market",
            "setting": "outdoor",
            "address": "",
            "city": "",
            "neighbourhood": "",
        },
    )
    zone = places.create_zone(site, {"name": "Kramen", "description": "", "area_m2": None})
    member = membership("alpha-fieldworker")
    results = sync_records(member.user, list(session_records("alpha", site.id, [zone.id])))
    assert [r["status"] for r in results] == ["created", "created"]
    places.set_active(site, False)
    team.set_active(member, False)
    data = StudyData(study(), ExportOptions(format="csv"))
    assert [row.site_id for row in data.sessions.values()] == [site.id]
    assert data.observers[member.user_id] == "W03"
    assert data.sites[site.id].name == "Markt"
