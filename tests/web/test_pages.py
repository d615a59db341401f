"""Each role's first page shows real content from the study, accessibly marked up."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from observations.extensions import db
from tests import snapshots


@pytest.fixture
def demo_study(app):
    """The demo study, generated into the test database."""
    snapshots.demo(app)


PAGES = {
    "fieldworker": "/studies/demo/field/",
    "lead": "/studies/demo/research/",
    "coordinator": "/studies/demo/manage/",
    "admin": "/admin/",
}


@pytest.mark.parametrize("username", PAGES)
def test_role_page_is_accessible_markup(client, auth, demo_study, username):
    auth.login(username)
    page = client.get(PAGES[username]).get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", page)) == 1, "exactly one h1"
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert 'lang="nl"' in page
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", page):
        if 'type="hidden"' in tag:
            continue
        field_id = re.search(r'\bid="([^"]+)"', tag).group(1)
        assert f'for="{field_id}"' in page, f"field {field_id} has no label"


def test_fieldworker_page_lists_todays_slot_and_recent_sessions(client, auth, demo_study):
    auth.login("fieldworker")
    page = client.get(PAGES["fieldworker"]).get_data(as_text=True)
    today = page.split('id="today-heading"')[1].split('id="upcoming-heading"')[0]
    assert "Nieuwe Bibliotheek Almere" in today or "<time" in today
    assert "Geen observaties" not in today
    assert "W01" in page
    assert "ontmoetingen" in page


def test_lead_page_shows_every_site_with_figures(client, auth, demo_study):
    auth.login("lead")
    page = client.get(PAGES["lead"]).get_data(as_text=True)
    for site in (
        "Nieuwe Bibliotheek Almere",
        "Wijkpark Cromvliet",
        "Markt Rotterdam-Zuid",
        "VerHalenHuis Tilburg",
        "Krachtstation Kanaleneiland",
    ):
        assert site in page
    assert "te beoordelen" in page


def test_coordinator_page_shows_zones_team_and_schedule(client, auth, demo_study):
    auth.login("coordinator")
    page = client.get(PAGES["coordinator"]).get_data(as_text=True)
    assert "Kinderhoek" in page and "Speelplaats" in page
    for code in ("W01", "W02", "W03", "W04"):
        assert code in page
    assert "Rooster voor de komende week" in page
    assert page.count('class="card"') > 5


def test_admin_page_lists_the_demo_study_and_accounts(client, auth, demo_study):
    auth.login("admin")
    page = client.get(PAGES["admin"]).get_data(as_text=True)
    assert "Publieke familiariteit (demo)" in page
    for username in ("coordinator", "lead", "fieldworker", "fieldworker2"):
        assert f'<th scope="row">{username}' in page


def test_times_are_shown_in_local_time(app, client, auth, demo_study):
    from observations.models import Slot, User

    with app.app_context():
        fieldworker = db.session.scalar(db.select(User).filter_by(username="fieldworker"))
        slot = db.session.scalar(
            db.select(Slot)
            .where(
                Slot.fieldworker_id == fieldworker.id,
                Slot.starts_at > datetime.now(UTC) + timedelta(days=1),
            )
            .order_by(Slot.starts_at)
        )
        from zoneinfo import ZoneInfo

        local = slot.starts_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")
    auth.login("fieldworker")
    assert f", {local}" in client.get(PAGES["fieldworker"]).get_data(as_text=True)


@pytest.mark.parametrize("username", PAGES)
def test_every_page_has_a_plain_title(client, auth, demo_study, username):
    auth.login(username)
    for path in (PAGES[username], "/account", "/studies"):
        page = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<" not in title and len(title) < 80, (path, title)
        assert title.endswith("· Terloops")
