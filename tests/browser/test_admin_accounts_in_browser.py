"""The admin makes an account on a laptop and hands over its link; a member of two studies
moves between them on a phone."""

import re

from playwright.sync_api import expect

from observations import accounts, studies
from observations.extensions import db
from observations.models import User
from tests.browser.conftest import axe_violations, log_in

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}
NEW_PASSWORD = "mijn-eigen-wachtwoord"


def test_admin_creates_an_account_and_the_new_person_sets_a_password(browser, live_server):
    admin_context = browser.new_context(**LAPTOP, permissions=["clipboard-read", "clipboard-write"])
    admin = admin_context.new_page()
    log_in(admin, live_server, "admin")
    admin.get_by_role("link", name="Accounts", exact=True).click()
    admin.get_by_role("link", name="Nieuw account").click()
    admin.get_by_label("Gebruikersnaam").fill("nieuwe-waarnemer")
    admin.get_by_label("Naam", exact=True).fill("Nieuwe Waarnemer")
    admin.get_by_label("Studie", exact=True).select_option("demo")
    admin.get_by_label("Rol in die studie").select_option("fieldworker")
    admin.get_by_role("button", name="Account aanmaken").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        "Eenmalige link voor nieuwe-waarnemer"
    )
    field = admin.get_by_label("Link om een wachtwoord te kiezen")
    expect(field).to_have_attribute("readonly", "")
    admin.get_by_role("button", name="Link kopiëren").click()
    expect(admin.get_by_text("Gekopieerd.")).to_be_visible()
    link = admin.evaluate("navigator.clipboard.readText()")
    assert link == field.input_value() and "/password/" in link

    person_context = browser.new_context(**LAPTOP)
    person = person_context.new_page()
    person.goto(link)
    person.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    person.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Wachtwoord instellen").click()
    person.wait_for_url(re.compile(r"/login$"))
    log_in(person, live_server, "nieuwe-waarnemer", NEW_PASSWORD)
    person.wait_for_url(re.compile(r"/studies/demo/field/$"))

    admin.get_by_role("link", name="Naar het account van nieuwe-waarnemer").click()
    admin.get_by_role("button", name="Account deactiveren").click()
    expect(admin.get_by_text("is gedeactiveerd en op alle apparaten uitgelogd")).to_be_visible()
    person.reload()
    person.wait_for_url(re.compile(r"/login\?next="))
    admin_context.close()
    person_context.close()


def test_a_member_of_two_studies_switches_on_a_phone(page, live_server):
    with live_server.app.app_context():
        second = studies.by_slug("tweede") or studies.create_study("Tweede studie", "tweede")
        user = db.session.scalar(db.select(User).filter_by(username="lead"))
        if not any(m.study_id == second.id for m in user.memberships):
            accounts.add_member(second, user, "fieldworker")
        db.session.commit()
    log_in(page, live_server, "lead")
    page.wait_for_url(re.compile(r"/studies$"))
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Tweede studie")).to_contain_text("veldwerker")
    page.get_by_role("link", name="Tweede studie").click()
    page.wait_for_url(re.compile(r"/studies/tweede/field/$"))
    switch = page.get_by_role("link", name="Andere studie kiezen")
    expect(switch).to_be_in_viewport()
    switch.click()
    page.wait_for_url(re.compile(r"/studies$"))
    page.locator(".card-link").filter(has_not_text="Tweede studie").click()
    page.wait_for_url(re.compile(r"/studies/demo/research/$"))
    expect(page.locator(".study-name")).not_to_have_text("Tweede studie")


def test_the_account_pages_pass_axe(axe_page, live_server):
    log_in(axe_page, live_server, "admin")
    with live_server.app.app_context():
        lead = db.session.scalar(db.select(User.id).filter_by(username="lead"))
    for path in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{lead}"):
        axe_page.goto(live_server.url + path)
        assert axe_violations(axe_page) == [], path
