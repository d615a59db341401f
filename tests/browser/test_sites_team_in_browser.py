"""A coordinator on a phone adds a site with a zone, opening hours and a profile, and a person
to the team; every page fits the screen and passes axe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

MANAGE = "/studies/demo/manage"


def check_page(page) -> None:
    """No accessibility violations and nothing wider than the phone's screen (measured once
    the page, stylesheet included, has loaded)."""
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_a_coordinator_sets_up_a_site_and_a_person_on_a_phone(axe_page, live_server):
    page = axe_page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Locatie toevoegen").click()
    check_page(page)
    page.get_by_label("Naam").fill("Buurttuin Oost")
    page.get_by_label("Soort plek").select_option("park")
    page.get_by_label("buiten", exact=True).check()
    page.get_by_role("button", name="Locatie toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buurttuin Oost")
    check_page(page)

    page.locator("#zone-name").fill("Moestuin")
    page.locator("#zone-area_m2").fill("40,5")
    page.get_by_role("button", name="Zone toevoegen").click()
    expect(page.get_by_text("40,5 m²")).to_be_visible()

    page.get_by_text("Openingstijden wijzigen").click()
    page.get_by_label("maandag, periode 1, van").fill("10:00")
    page.get_by_label("maandag, periode 1, tot").fill("09:00")
    page.get_by_role("button", name="Tijden opslaan").click()
    expect(page.get_by_text("maandag: een periode moet eindigen na het begin.")).to_be_visible()
    check_page(page)
    page.get_by_label("maandag, periode 1, tot").fill("17:00")
    page.get_by_role("button", name="Tijden opslaan").click()
    expect(page.get_by_text("10:00–17:00")).to_be_visible()

    page.get_by_role("link", name="Het profiel vastleggen zoals het nu is").click()
    check_page(page)
    page.get_by_label("speeltuin").check()
    page.get_by_label("Vaste zitplaatsen").fill("8")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.get_by_text("Profiel van Buurttuin Oost opgeslagen.")).to_be_visible()
    page.get_by_role("link", name="Moestuin").click()
    check_page(page)
    page.goto(live_server.url + MANAGE + "/sites")
    check_page(page)

    page.goto(live_server.url + MANAGE + "/team")
    check_page(page)
    page.get_by_label("Gebruikersnaam").fill("nieuwe.waarnemer")
    page.get_by_label("Naam", exact=True).fill("Nieuwe Waarnemer")
    page.get_by_role("button", name="Aan het team toevoegen").click()
    expect(page.get_by_label("Link")).to_have_value(re.compile(r"/password/"))
    expect(page.get_by_role("button", name="Link kopiëren")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Terug naar Nieuwe Waarnemer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nieuwe Waarnemer")
    check_page(page)
