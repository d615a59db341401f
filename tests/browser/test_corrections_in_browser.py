"""A research lead, on a laptop, corrects a mistyped relation code of an encounter."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from observations.extensions import db
from observations.models import Correction, Encounter
from tests.browser.conftest import axe_violations, log_in

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL", "bypass_csp": True}


def an_encounter(app) -> tuple[int, str, str]:
    """A demo encounter with a relation: its session id, UUID and relation."""
    with app.app_context():
        encounter = db.session.scalar(
            sa.select(Encounter)
            .where(Encounter.retracted.is_(False), Encounter.relation.is_not(None))
            .order_by(Encounter.id)
            .limit(1)
        )
        return encounter.session_id, encounter.uuid, encounter.relation


def test_a_lead_corrects_the_relation_of_an_encounter(browser, live_server):
    session_id, uuid, relation = an_encounter(live_server.app)
    other = "strangers" if relation != "strangers" else "acquaintances"
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    try:
        log_in(page, live_server, "lead")
        page.goto(
            f"{live_server.url}/studies/demo/research/sessions/{session_id}"
            f"/records/encounter/{uuid}"
        )
        expect(page.locator("#relation")).to_have_value(relation)
        assert axe_violations(page) == []
        page.locator("#relation").select_option(other)
        submit = page.locator("form.stack button[type=submit]")
        submit.click()
        # Without a reason the form comes back with the choice kept and a message.
        expect(page.locator("#reason-error")).to_be_visible()
        expect(page.locator("#relation")).to_have_value(other)
        page.locator("#reason").fill("De veldwerker tikte de verkeerde relatie aan.")
        submit.click()
        expect(page).not_to_have_url(re.compile(r"/records/encounter/"))
        expect(page.locator(".flash-success")).to_be_visible()
    finally:
        context.close()
    with live_server.app.app_context():
        stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=uuid))
        assert stored.relation == other and stored.revision >= 2
        correction = db.session.scalar(sa.select(Correction).filter_by(record_uuid=uuid))
        assert correction.changes == {"relation": [relation, other]}
