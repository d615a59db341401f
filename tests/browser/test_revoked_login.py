"""A phone whose login was ended elsewhere keeps its queue, asks to log in, then sends it."""

from playwright.sync_api import expect

from observations import logins
from observations.extensions import db
from observations.models import User
from tests.browser.capture_helpers import (
    PATIENCE,
    encounter,
    ready_for_offline,
    start_session,
    stored,
    wait_all_saved,
)
from tests.browser.conftest import DEMO_PASSWORD


def test_a_login_ended_on_another_device_keeps_the_queue(page, context, live_server):
    ready_for_offline(page, live_server, "fieldworker2")
    context.set_offline(True)
    uuid = start_session(page, "VerHalenHuis Tilburg")
    for _ in range(2):
        encounter(page)
    with live_server.app.app_context():
        # "Log out on all devices" pressed on a laptop: the phone keeps its (now dead) cookies.
        user = db.session.scalar(db.select(User).filter_by(username="fieldworker2"))
        logins.end_all_logins(user)
        db.session.commit()
    assert context.cookies(), "the phone still holds its cookies"
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text("Log opnieuw in om 3 records te versturen", timeout=PATIENCE)
    assert stored(live_server, uuid)["session"] is None
    page.get_by_role("link", name="Opnieuw inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill("fieldworker2")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**/session#{uuid}")
    wait_all_saved(page)
    assert len(stored(live_server, uuid)["encounters"]) == 2
