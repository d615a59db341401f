"""A newcomer on a phone logs in with each demo account and lands on their role's page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

LANDINGS = [
    ("admin", "/admin/", "Installatie"),
    ("coordinator", "/studies/demo/manage/", "Studie beheren"),
    ("lead", "/studies/demo/research/", "Onderzoeksoverzicht"),
    ("fieldworker", "/studies/demo/field/", "Veldwerk"),
    ("fieldworker2", "/studies/demo/field/", "Veldwerk"),
]


@pytest.mark.parametrize(("username", "path", "heading"), LANDINGS)
def test_demo_account_lands_on_its_role_page(page, live_server, username, path, heading):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    log_in(page, live_server, username)
    expect(page).to_have_url(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()


def test_wrong_password_shows_a_message_and_keeps_the_username(page, live_server):
    log_in(page, live_server, "lead", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Onbekende gebruikersnaam")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("lead")
    expect(page.get_by_label("Wachtwoord")).to_have_value("")


def test_language_switch_persists_across_pages(page, live_server):
    log_in(page, live_server, "fieldworker")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fieldwork")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw account")


PAGES = [
    (None, "/login"),
    ("fieldworker", "/studies/demo/field/"),
    ("lead", "/studies/demo/research/"),
    ("coordinator", "/studies/demo/manage/"),
    ("admin", "/admin/"),
    ("lead", "/account"),
    ("lead", "/studies/demo/research/export"),
]


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_no_accessibility_violations(axe_page, live_server, username, path):
    if username:
        log_in(axe_page, live_server, username)
    axe_page.goto(live_server.url + path)
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_fits_a_360_pixel_screen_with_44_pixel_targets(page, live_server, username, path):
    page.set_viewport_size({"width": 360, "height": 740})
    if username:
        log_in(page, live_server, username)
    page.goto(live_server.url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"
    # Checkboxes and radios are 24px boxes in a 44px tall row whose label is part of the target.
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
                + ' select, textarea, nav a, .card-link, .brand')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)"""
    )
    assert small == []
    checkboxes = page.evaluate(
        """() => [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
            .map(el => el.closest('.field-check, .choice').getBoundingClientRect().height)"""
    )
    assert all(height >= 44 for height in checkboxes), "choice rows are 44px tall"


def test_keyboard_focus_is_visible(page, live_server):
    page.goto(live_server.url + "/login")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [document.activeElement.textContent.trim(), s.outlineStyle,
                           parseFloat(s.outlineWidth)]; }"""
    )
    assert focused[0] == "Naar de inhoud"
    assert focused[1] != "none" and focused[2] >= 2
