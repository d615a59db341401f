"""A phone learns that the server closed its forgotten session, and stops showing it as open."""

from datetime import timedelta

from playwright.sync_api import expect

from observations.extensions import db
from observations.models import utcnow
from observations.review.forgotten import close_forgotten
from tests.browser.capture_helpers import (
    PATIENCE,
    encounter,
    ready_for_offline,
    start_session,
    wait_all_saved,
)


def test_the_phone_learns_on_its_next_sync_that_the_server_closed_its_session(
    page, context, live_server
):
    ready_for_offline(page, live_server, "fieldworker")
    uuid = start_session(page, "Wijkpark Cromvliet")
    encounter(page)
    wait_all_saved(page)
    home = f"{live_server.url}/studies/demo/field/"
    page.goto(home)
    card = page.locator(f'#open-sessions [data-session="{uuid}"]')
    notice = page.locator(f'#closed-sessions [data-session="{uuid}"]')
    expect(card).to_be_visible()

    context.set_offline(True)
    page.reload()
    expect(card).to_be_visible()
    with live_server.app.test_request_context():
        closed = close_forgotten(now=utcnow() + timedelta(hours=7))
        db.session.commit()
        assert uuid in [s.uuid for s in closed]
    expect(card).to_be_visible()  # offline, the phone cannot know yet

    context.set_offline(False)
    expect(notice).to_be_visible(timeout=PATIENCE)
    expect(card).to_have_count(0)
    expect(notice).to_contain_text("Wijkpark Cromvliet")

    page.goto(f"{live_server.url}/studies/demo/field/session#{uuid}")
    expect(page.locator("#finished")).to_be_visible()
    expect(page.locator("#capture")).to_be_hidden()
    strings = page.evaluate("JSON.parse(document.getElementById('field-strings').textContent)")
    said = page.locator("#finished-text")
    expect(said).not_to_be_empty()
    assert said.text_content() != strings["ended"], "it says the server closed it"
    assert said.text_content().startswith(strings["closed_here"].split("%(time)s")[0])

    context.set_offline(True)
    page.goto(home)
    expect(notice).to_be_visible()
