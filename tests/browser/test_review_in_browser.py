"""A lead reviews on a laptop; the fieldworker reads the outcome on a phone, also offline."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from observations.extensions import db
from observations.models import Session, Site, User, utcnow
from tests.browser.capture_helpers import open_fieldwork, poll, worker_active
from tests.browser.conftest import log_in

COMMENT = "Geen enkele telling of ontmoeting; wat ging er mis?"
# Whether the fieldwork home in the page cache holds the lead's comment.
HOME_CACHED_WITH = """async (text) => {
    for (const name of (await caches.keys()).filter((n) => n.startsWith("terloops-pages-"))) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            if (!request.url.endsWith("/field/")) continue;
            if ((await (await cache.match(request)).text()).includes(text)) return true;
        }
    }
    return false;
}"""


@pytest.fixture
def empty_session(live_server) -> int:
    """An ended session of the demo fieldworker, newer than any other, with no records."""
    with live_server.app.app_context():
        fieldworker = db.session.scalar(sa.select(User).filter_by(username="fieldworker"))
        site = db.session.scalar(sa.select(Site).filter_by(name="Wijkpark Cromvliet"))
        start = utcnow().replace(microsecond=0) - timedelta(hours=2)
        session = Session(
            uuid=str(uuid.uuid4()),
            study_id=site.study_id,
            site_id=site.id,
            fieldworker_id=fieldworker.id,
            started_at=start,
            ended_at=start + timedelta(hours=1),
            crowding="quiet",
            programme="none",
            zones=list(site.zones),
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def test_lead_flags_a_session_and_the_fieldworker_reads_it_offline(
    browser, browser_context_args, playwright, live_server, empty_session
):
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = laptop.new_page()
    log_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/studies/demo/research/review")
    card = page.locator("li.card", has=page.locator(f"#pick-{empty_session}"))
    expect(card).to_be_visible()
    # Flagged, so not ticked for bulk approval.
    expect(page.locator(f"#flags-{empty_session}")).to_be_visible()
    expect(page.locator(f"#pick-{empty_session}")).not_to_be_checked()
    card.locator(".card-title a").click()
    page.wait_for_url(f"**/research/sessions/{empty_session}*")
    # Its flags, with their reasons: at least "no records" (the demo may add others).
    expect(
        page.locator("#flags-heading + ul .card", has_text="De sessie heeft geen scans")
    ).to_have_count(1)
    page.locator('input[name="state"][value="has_issues"]').check()
    page.locator("#comment").fill(COMMENT)
    page.locator('button[name="decide"]').click()
    # On to the next session awaiting review.
    page.wait_for_url("**/research/sessions/*")
    assert f"/sessions/{empty_session}" not in page.url
    with live_server.app.app_context():
        assert db.session.get(Session, empty_session).review_state == "has_issues"
    laptop.close()

    phone = browser.new_context(**browser_context_args)
    page = phone.new_page()
    open_fieldwork(page, live_server, "fieldworker")
    item = page.locator(f"#session-{empty_session}")
    expect(item).to_contain_text(COMMENT)
    worker_active(page)
    page.reload()  # through the service worker, which keeps the home page for offline use
    expect(item).to_contain_text(COMMENT)
    poll(page, HOME_CACHED_WITH, "the cached home page lacks the comment", arg=COMMENT)
    phone.set_offline(True)
    page.reload()
    expect(page.locator(f"#session-{empty_session}")).to_contain_text(COMMENT)
    phone.set_offline(False)
    phone.close()
