"""A coordinator on a phone generates a two-week schedule, checks the plan and saves it."""

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in


def test_generate_preview_and_save_on_a_phone(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/studies/demo/manage/")
    page.get_by_role("link", name="Rooster maken").click()
    expect(page.get_by_role("heading", name="Rooster maken")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Eerste dag").fill("2027-03-01")
    page.get_by_label("Laatste dag").fill("2027-03-14")
    page.get_by_label("Wijkpark Cromvliet").check()
    page.get_by_role("button", name="Plan tonen").click()
    expect(page.get_by_role("heading", name="Roosterplan")).to_be_visible()
    expect(page.get_by_role("heading", name="Tijdsloten per locatie")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Dit plan opslaan").click()
    page.wait_for_url("**/studies/demo/manage/")
    expect(page.get_by_text("12 tijdsloten opgeslagen.")).to_be_visible()
