"""The admin's page in a browser: long study names wrap, studies are archived and reopened."""

import pytest
from playwright.sync_api import expect

from observations import studies
from observations.extensions import db
from tests.browser.conftest import axe_violations, log_in

LONG_NAME = "Publiekefamiliariteit" * 9  # 189 characters, no space to wrap at


@pytest.fixture(scope="module")
def long_study(live_server):
    """A study whose name has no space in 189 characters."""
    with live_server.app.app_context():
        studies.create_study(LONG_NAME, "lang")
        db.session.commit()


def overflow(page) -> dict:
    """How far the page and each table scroll sideways (0: nothing sticks out), once the
    page has loaded: right after a form's answer its text may show before its stylesheet
    applies, and an unstyled page scrolls sideways (CI once measured 1,289 px)."""
    page.wait_for_load_state("load")
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            tables: [...document.querySelectorAll('.table-wrap')].map(
                (wrap) => wrap.scrollWidth - wrap.clientWidth),
        })"""
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 393, "height": 851}, {"width": 1280, "height": 800}]
)
def test_a_long_study_name_wraps_instead_of_breaking_the_table(
    page, live_server, long_study, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, "admin")
    expect(page.get_by_role("link", name=LONG_NAME)).to_be_visible()
    assert overflow(page) == {"page": 0, "tables": [0, 0]}


def test_the_admin_archives_and_reopens_a_study(axe_page, live_server, long_study):
    page = axe_page
    log_in(page, live_server, "admin")
    page.get_by_role("button", name=f"Archiveren: {LONG_NAME}").click()
    expect(page.get_by_text("is gearchiveerd: vanaf nu alleen-lezen.")).to_be_visible()
    assert overflow(page)["page"] == 0, "the message with the long name wraps too"
    page.get_by_role("button", name=f"Heropenen: {LONG_NAME}").click()
    expect(page.get_by_text("is weer open.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Archiveren: {LONG_NAME}")).to_be_visible()
    assert axe_violations(page) == []
