"""A research lead on a phone opens a site's dashboard from the research home, narrows it to
the weekend, and downloads one of its figures; and compares the sites per city."""

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

HOME = "/studies/demo/research/"
SITE = "Wijkpark Cromvliet"


def test_lead_opens_a_dashboard_filters_it_and_downloads_a_figure(axe_page, live_server, tmp_path):
    page = axe_page
    log_in(page, live_server, "lead")
    page.goto(live_server.url + HOME)
    page.locator("#sites-heading ~ .table-wrap").get_by_role("link", name=SITE, exact=True).click()
    page.wait_for_url("**/research/sites/*")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard: {SITE}")
    chart = page.get_by_role("img", name="Ontmoetingen per geobserveerd uur naar soort ontmoeting")
    expect(chart).to_be_visible()
    # The chart fits the phone's width: no sideways scrolling of the page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert axe_violations(page) == []

    page.get_by_text("Filters aanpassen").click()
    page.get_by_label("weekend", exact=True).check()
    page.get_by_role("button", name="Filters toepassen").click()
    page.wait_for_url("**days=weekend**")
    expect(page.locator(".filter-summary")).to_contain_text("weekend")
    expect(page.get_by_label("weekend", exact=True)).to_be_checked()

    panel = page.locator("#figure-rates-by-type")
    panel.get_by_text("Cijfers als tabel tonen").click()
    expect(panel.get_by_role("table")).to_be_visible()
    with page.expect_download() as download:
        panel.get_by_role("link", name="Deze cijfers downloaden (xlsx)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith("-rates-by-type.xlsx")
    book = openpyxl.load_workbook(path)
    header, *rows = book["Figuur"].iter_rows(values_only=True)
    assert header[1] == "Soort ontmoeting"
    assert rows and all(isinstance(row[2], int) for row in rows)
    about = dict(book["Over"].iter_rows(values_only=True))
    assert about["Locatie"] == SITE and about["Dagen"] == "weekend"


def test_the_comparison_reads_on_a_phone(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "lead")
    page.goto(live_server.url + HOME)
    page.get_by_role("link", name="Locaties vergelijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Locaties vergelijken")
    expect(page.get_by_role("img", name="De plekken naast elkaar")).to_be_visible()
    page.get_by_text("Filters aanpassen").click()
    page.get_by_label("stad", exact=True).check()
    page.get_by_role("button", name="Filters toepassen").click()
    page.wait_for_url("**level=city**")
    places = page.locator("#figure-places tbody th")
    expect(places).to_have_text(["Almere", "Den Haag", "Rotterdam", "Tilburg", "Utrecht"])
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert axe_violations(page) == []
