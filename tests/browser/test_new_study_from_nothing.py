"""A new study set up from nothing on a phone: the admin makes the study and its coordinator;
the coordinator adds two sites with zones, opening hours and a profile, three observers with
their availability, a two-week schedule and one codebook label; then a new observer sets a
password through their link and sees a slot at the new site on their phone."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import log_in

PASSWORD = "een-goed-wachtwoord"
STUDY = "/studies/oost"
OBSERVERS = (("obs.anna", "Anna"), ("obs.bilal", "Bilal"), ("obs.chris", "Chris"))


def set_password(browser, context_args, link: str, username: str):
    """Open a one-time link in a fresh phone, choose a password and log in; return the page."""
    page = browser.new_context(**context_args).new_page()
    page.goto(link)
    page.get_by_label("Nieuw wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    return page


def admin_creates_study_and_coordinator(page, server) -> str:
    """The admin's part; returns the coordinator's one-time link."""
    log_in(page, server, "admin")
    page.goto(server.url + "/admin/")
    page.get_by_label("Naam", exact=True).fill("Buurtonderzoek Oost")
    page.get_by_label("Korte naam").fill("oost")
    page.get_by_role("button", name="Studie aanmaken").click()
    expect(page.get_by_text("Studie Buurtonderzoek Oost aangemaakt.")).to_be_visible()
    page.goto(server.url + "/admin/accounts/new")
    page.get_by_label("Gebruikersnaam").fill("coord.oost")
    page.get_by_label("Naam", exact=True).fill("Coördinator Oost")
    page.get_by_label("Studie", exact=True).select_option(label="Buurtonderzoek Oost")
    page.get_by_label("Rol in die studie").select_option("coordinator")
    page.get_by_role("button", name="Account aanmaken").click()
    link = page.get_by_label("Link")
    expect(link).to_have_value(re.compile(r"/password/"))
    return link.input_value()


def add_site(page, server, name: str, zones: tuple[str, ...], weekday_hours: str | None) -> None:
    """A site with its zones, opening hours on weekdays (None: always open) and a profile."""
    page.goto(server.url + STUDY + "/manage/sites/new")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Soort plek").select_option("community_centre")
    page.get_by_role("button", name="Locatie toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    for zone in zones:
        page.locator("#zone-name").fill(zone)
        page.get_by_role("button", name="Zone toevoegen").click()
        expect(page.get_by_role("link", name=zone)).to_be_visible()
    if weekday_hours:
        opens, closes = weekday_hours.split("-")
        page.get_by_text("Openingstijden wijzigen").click()
        for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"):
            page.get_by_label(f"{day}, periode 1, van").fill(opens)
            page.get_by_label(f"{day}, periode 1, tot").fill(closes)
        page.get_by_role("button", name="Tijden opslaan").click()
        expect(page.get_by_text(f"{opens}–{closes}").first).to_be_visible()
    page.get_by_role("link", name="Het profiel vastleggen zoals het nu is").click()
    page.get_by_label("werkplaats").check()
    page.get_by_label("Vaste zitplaatsen").fill("30")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.get_by_text(f"Profiel van {name} opgeslagen.")).to_be_visible()


def add_observer(page, server, username: str, name: str) -> str:
    """A new person on the team; returns their one-time link."""
    page.goto(server.url + STUDY + "/manage/team")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("Rol").select_option("fieldworker")
    page.get_by_role("button", name="Aan het team toevoegen").click()
    link = page.get_by_label("Link")
    expect(link).to_have_value(re.compile(r"/password/"))
    return link.input_value()


def weekday_availability(page, name: str) -> None:
    """The member works weekdays 09:00–17:00 only."""
    page.get_by_role("link", name=f"Terug naar {name}").click()
    page.get_by_text("Beschikbaarheid wijzigen").click()
    for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"):
        page.get_by_label(f"{day}, periode 1, van").fill("09:00")
        page.get_by_label(f"{day}, periode 1, tot").fill("17:00")
    page.get_by_role("button", name="Tijden opslaan").click()
    expect(page.get_by_text("09:00–17:00").first).to_be_visible()


def generate_two_weeks(page, server, first: date) -> None:
    """Generate, preview and save a schedule for both sites over two weeks."""
    page.goto(server.url + STUDY + "/manage/schedule/generate")
    page.get_by_label("Eerste dag").fill(first.isoformat())
    page.get_by_label("Laatste dag").fill((first + timedelta(days=13)).isoformat())
    page.get_by_role("button", name="Plan tonen").click()
    expect(page.get_by_role("button", name="Dit plan opslaan")).to_be_visible()
    page.get_by_role("button", name="Dit plan opslaan").click()
    expect(page.get_by_text(re.compile(r"\d+ tijdsloten opgeslagen\."))).to_be_visible()


def change_a_code_label(page, server) -> None:
    """Rename the Dutch label of the first code of the codebook."""
    page.goto(server.url + STUDY + "/manage/codebook")
    page.get_by_role("link", name="Bewerken 0-14").click()
    page.get_by_label("Label (Nederlands)").fill("kind (0–14)")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("kind (0–14)").first).to_be_visible()


def test_a_new_study_is_set_up_from_nothing_on_a_phone(browser, browser_context_args, live_server):
    admin = browser.new_context(**browser_context_args).new_page()
    coordinator_link = admin_creates_study_and_coordinator(admin, live_server)

    page = set_password(browser, browser_context_args, coordinator_link, "coord.oost")
    expect(page).to_have_url(re.compile(STUDY + "/manage/$"))
    add_site(page, live_server, "Buurthuis De Kroon", ("Entree", "Zaal"), "09:00-21:00")
    add_site(page, live_server, "Pleintje Oost", ("Bankjes",), None)
    links = {}
    for username, name in OBSERVERS:
        links[username] = add_observer(page, live_server, username, name)
    weekday_availability(page, "Chris")
    generate_two_weeks(page, live_server, date.today() + timedelta(days=1))
    change_a_code_label(page, live_server)

    observer = set_password(browser, browser_context_args, links["obs.anna"], "obs.anna")
    expect(observer).to_have_url(re.compile(STUDY + "/field/$"))
    upcoming = observer.locator("section[aria-labelledby=upcoming-heading]")
    new_sites = re.compile("Buurthuis De Kroon|Pleintje Oost")
    expect(upcoming.get_by_text(new_sites).first).to_be_visible()
