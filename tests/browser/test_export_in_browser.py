"""A research lead exports on a phone: at once when small, in the background when large."""

import openpyxl
import pytest
from playwright.sync_api import expect

from observations.tasks import consumer, tasks_of
from tests.browser.conftest import axe_violations, log_in

EXPORT = "/studies/demo/research/export"


@pytest.fixture
def lead_page(page, live_server):
    log_in(page, live_server, "lead")
    page.goto(live_server.url + EXPORT)
    return page


def test_small_export_downloads_a_workbook_at_once(lead_page, tmp_path):
    page = lead_page
    page.get_by_label("Excel-werkmap (.xlsx)").check()
    page.get_by_label("Wijkpark Cromvliet").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren", exact=True).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames[:3] == ["About", "Codebook", "Sites"]
    header, *sessions = workbook["Sessions"].iter_rows(values_only=True)
    sites = {row[header.index("site")] for row in sessions}
    assert sites == {"Wijkpark Cromvliet"}
    workbook.close()


def test_large_export_shows_progress_then_its_download_link(lead_page, live_server):
    page = lead_page
    app = live_server.app
    app.config["EXPORT_INLINE_ROWS"] = 0
    # The real queue (a SQLite file), worked by nobody yet: the job is seen waiting.
    queue = tasks_of(app).huey
    queue.immediate = False
    try:
        page.get_by_label("CSV-bestanden in een zip (UTF-8)").check()
        page.get_by_role("button", name="Exporteren", exact=True).click()
        expect(page.get_by_text("loopt op de achtergrond")).to_be_visible()
        card = page.locator("#export-jobs li").first
        expect(card.get_by_role("progressbar")).to_be_visible()
        expect(card.get_by_role("link", name="Downloaden")).to_have_count(0)
        consumer.start(app)
        # The page follows the job and reloads with the download link when it is done.
        link = page.locator("#export-jobs li").first.get_by_role("link", name="Downloaden")
        expect(link).to_be_visible(timeout=60_000)
        expect(link).to_contain_text(".zip")
    finally:
        consumer.stop(app)
        queue.storage.flush_all()
        queue.immediate = True
        app.config["EXPORT_INLINE_ROWS"] = 50_000


def test_bad_period_keeps_the_choices_and_says_why(lead_page):
    page = lead_page
    page.get_by_label("Wijkpark Cromvliet").check()
    page.get_by_label("Van", exact=True).fill("2026-11-20")
    page.get_by_label("Tot en met").fill("2026-11-01")
    page.get_by_role("button", name="Exporteren", exact=True).click()
    expect(page.get_by_text("De einddatum ligt vóór de begindatum.").first).to_be_visible()
    expect(page.get_by_label("Wijkpark Cromvliet")).to_be_checked()
    expect(page.get_by_label("Van", exact=True)).to_have_value("2026-11-20")


def test_preset_brings_back_the_settings(lead_page):
    page = lead_page
    page.get_by_label("kale codes (voor SPSS, R, Python)").check()
    page.get_by_label("Wijkpark Cromvliet").check()
    page.get_by_label("Naam voor deze instellingen").fill("Cromvliet codes")
    page.get_by_role("button", name="Opslaan als voorinstelling").click()
    expect(page.get_by_text("Cromvliet codes").first).to_be_visible()
    page.goto(page.url.split("?")[0])
    page.get_by_role("link", name="Cromvliet codes").click()
    expect(page.get_by_label("Wijkpark Cromvliet")).to_be_checked()
    expect(page.get_by_label("kale codes (voor SPSS, R, Python)")).to_be_checked()


def test_past_exports_can_be_deleted_and_pass_axe(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "lead")
    page.goto(live_server.url + EXPORT)
    with page.expect_download():
        page.get_by_role("button", name="Exporteren", exact=True).click()
    page.goto(live_server.url + EXPORT)
    cards = page.locator("#export-jobs li")
    before = cards.count()
    assert before >= 1
    assert axe_violations(page) == []
    cards.first.get_by_role("button", name="Verwijderen").click()
    expect(page.get_by_text("verwijderd.").first).to_be_visible()
    expect(page.locator("#export-jobs li")).to_have_count(before - 1)
