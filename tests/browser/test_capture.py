"""A fieldworker records a whole session on a phone, online and offline.

Every test checks the database: what was tapped arrives, exactly once.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.capture_helpers import (
    PATIENCE,
    encounter,
    ready_for_offline,
    send_after_logging_in_again,
    start_session,
    stored,
    tap,
    wait_all_saved,
)
from tests.browser.conftest import CHROMIUM, axe_violations, log_in


def test_a_whole_session_online(page, live_server):
    log_in(page, live_server, "fieldworker")
    today = page.locator("section", has=page.get_by_role("heading", name="Vandaag"))
    today.get_by_role("link", name="Start deze sessie").first.click()
    expect(page.get_by_label("Locatie")).not_to_have_value("")
    page.get_by_label("matig").check()
    page.get_by_role("button", name="Start de sessie").click()
    page.wait_for_url("**/session#*")
    uuid = page.url.split("#")[1]

    encounter(page)
    expect(page.locator("#announce")).to_contain_text("Ontmoeting opgeslagen: groet")
    page.locator('[data-step="type"] [data-value="short_chat"]').click()
    page.locator('[data-step="parties"] [data-value="visitor_staff"]').click()
    page.locator('[data-flag="across_ages"]').click()
    page.get_by_label("Korte notitie (optioneel)").fill("over de kinderhoek")
    page.locator('[data-step="relation"] [data-value="acquaintances"]').click()

    page.get_by_role("tab", name="Scan").click()
    tap(page, '[data-cell="65+|woman"]', 3)
    tap(page, '[data-cell="25-64|man"]', 2)
    page.get_by_role("button", name="−1 corrigeren").click()
    tap(page, '[data-cell="25-64|man"]')
    page.get_by_role("button", name="−1 corrigeren").click()
    tap(page, '[data-category="activity"][data-code="reading_games"]', 2)
    page.locator('[data-condition="well_lit"]').click()
    expect(page.locator("#scan-total")).to_have_text("4")
    page.get_by_role("button", name="Scan opslaan").click()
    expect(page.locator("#announce")).to_contain_text("4 personen")

    page.get_by_role("tab", name="Notitie").click()
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("#note-error")).to_have_text("Schrijf eerst een notitie.")
    page.get_by_role("textbox", name="Notitie").fill("=Druk bij de koffiebar")
    page.get_by_role("button", name="Notitie opslaan").click()

    page.get_by_role("tab", name="Ontmoeting").click()
    encounter(page, "friction", "visitor_visitor", "strangers")
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("#announce")).to_contain_text("Ongedaan gemaakt")
    expect(page.locator("#tally")).to_contain_text("2 ontmoetingen · 1 scan · 1 notitie")

    page.get_by_role("tab", name="Overzicht").click()
    page.get_by_role("button", name="Sessie beëindigen").click()
    page.get_by_role("dialog").get_by_role("button", name="Sessie beëindigen").click()
    expect(page.locator("#finished")).to_be_visible()
    wait_all_saved(page)

    held = stored(live_server, uuid)
    assert held["session"]["ended"] and held["session"]["slot"] is not None
    assert held["session"]["crowding"] == "moderate"
    live = [e for e in held["encounters"] if not e["retracted"]]
    assert [(e["type"], e["parties"], e["relation"]) for e in live] == [
        ("greeting", "visitor_visitor", "strangers"),
        ("short_chat", "visitor_staff", "acquaintances"),
    ]
    assert live[1]["flags"] == ["across_ages"] and live[1]["note"] == "over de kinderhoek"
    assert not [e for e in held["encounters"] if e["type"] == "friction" and not e["retracted"]]
    [scan] = held["scans"]
    assert scan["counts"] == {
        ("age", "65+"): 3,
        ("age", "25-64"): 1,
        ("gender", "woman"): 3,
        ("gender", "man"): 1,
        ("activity", "reading_games"): 2,
    }
    assert scan["conditions"] == ["well_lit"]
    assert held["notes"] == ["=Druk bij de koffiebar"]


def test_an_offline_session_arrives_exactly_once(page, context, live_server):
    ready_for_offline(page, live_server, "fieldworker2")
    context.set_offline(True)
    uuid = start_session(page, "Wijkpark Cromvliet")
    for number in range(30):
        encounter(page, relation=("strangers", "recognised", "acquaintances")[number % 3])
    page.get_by_role("tab", name="Scan").click()
    tap(page, '[data-cell="0-14|boy"]'.replace("boy", "man"), 4)
    tap(page, '[data-category="activity"][data-code="active_play"]', 4)
    page.get_by_role("button", name="Scan opslaan").click()
    page.get_by_label("Zone").select_option(label="Grasveld")
    expect(page.locator("#scan-zone")).to_have_text("Grasveld")  # its draft is ready
    tap(page, '[data-cell="25-64|woman"]', 2)
    page.get_by_role("button", name="Scan opslaan").click()
    expect(page.locator("[data-sync-status]").first).to_contain_text("Offline: 33 wachtend")

    page.reload()
    expect(page.locator("#capture")).to_be_visible()
    # The park's pond path is a counting line: the tally counts passers-by counts too.
    expect(page.locator("#tally")).to_have_text(
        "30 ontmoetingen · 2 scans · 0 notities · 0 passantentellingen"
    )
    page.get_by_role("tab", name="Ontmoeting").click()
    encounter(page, "help", "visitor_visitor", "recognised")
    assert stored(live_server, uuid)["session"] is None, "nothing can have left the phone"

    context.set_offline(False)
    wait_all_saved(page)
    held = stored(live_server, uuid)
    assert len(held["encounters"]) == 31
    assert len({e["uuid"] for e in held["encounters"]}) == 31
    assert sorted(
        sum(s["counts"].get(("age", a), 0) for a in ("0-14", "25-64")) for s in held["scans"]
    ) == [2, 4]
    page.reload()
    wait_all_saved(page)
    assert len(stored(live_server, uuid)["encounters"]) == 31, "a reload sends nothing again"


def test_an_expired_login_keeps_the_queue_until_the_user_logs_in(page, context, live_server):
    ready_for_offline(page, live_server, "lead")
    context.set_offline(True)
    uuid = start_session(page, "VerHalenHuis Tilburg")
    for _ in range(3):
        encounter(page)
    context.clear_cookies()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    send_after_logging_in_again(page, live_server, uuid, "lead", waiting=4)
    assert len(stored(live_server, uuid)["encounters"]) == 3


def test_the_queue_can_be_downloaded_as_a_file(page, context, live_server):
    ready_for_offline(page, live_server, "coordinator")
    context.set_offline(True)
    uuid = start_session(page, "Krachtstation Kanaleneiland")
    encounter(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Wachtrij downloaden als bestand").first.click()
    queue = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert queue["format"] == "terloops-queue"
    assert [r["kind"] for r in queue["records"]] == ["session", "encounter"]
    assert queue["records"][0]["uuid"] == uuid


def test_the_queue_survives_restarting_the_browser(
    browser_type, browser_type_launch_args, playwright, tmp_path, live_server
):
    profile = tmp_path / "profile"
    phone = {**playwright.devices["Pixel 5"], "locale": "nl-NL"}
    phone.pop("default_browser_type", None)
    first = browser_type.launch_persistent_context(profile, **browser_type_launch_args, **phone)
    page = first.pages[0] if first.pages else first.new_page()
    ready_for_offline(page, live_server, "fieldworker")
    first.set_offline(True)
    uuid = start_session(page, "Markt Rotterdam-Zuid")
    encounter(page)
    encounter(page, "help")
    first.close()

    second = browser_type.launch_persistent_context(profile, **browser_type_launch_args, **phone)
    page = second.pages[0] if second.pages else second.new_page()
    page.goto(f"{live_server.url}/studies/demo/field/session#{uuid}")
    wait_all_saved(page)
    second.close()
    assert [e["type"] for e in stored(live_server, uuid)["encounters"]] == ["greeting", "help"]


@pytest.fixture
def axe_phone(browser, browser_context_args):
    """A phone context that lets axe-core in despite the content security policy."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_capture_screens_have_no_accessibility_violations(axe_phone, live_server):
    page = axe_phone
    log_in(page, live_server, "fieldworker2")
    assert axe_violations(page) == [], "home"
    page.get_by_role("link", name="Start een ongeplande sessie").click()
    assert axe_violations(page) == [], "start"
    page.get_by_role("button", name="Start de sessie").click()
    assert page.locator("#start-errors").is_visible()
    assert axe_violations(page) == [], "start with errors"
    page.get_by_label("Locatie").select_option(label="Nieuwe Bibliotheek Almere")
    page.get_by_role("button", name="Start de sessie").click()
    expect(page.locator("#capture")).to_be_visible()
    for tab in ("Ontmoeting", "Scan", "Notitie", "Passanten", "Overzicht"):
        page.get_by_role("tab", name=tab).click()
        assert axe_violations(page) == [], tab
    encounter_tab = page.get_by_role("tab", name="Ontmoeting")
    encounter_tab.click()
    page.locator('[data-step="type"] [data-value="greeting"]').click()
    page.locator('[data-step="parties"] [data-value="visitor_visitor"]').click()
    assert axe_violations(page) == [], "relation step"


def test_session_screen_fits_a_phone_with_44_pixel_targets(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "fieldworker2")
    start_session(page, "Nieuwe Bibliotheek Almere")
    for tab in ("Ontmoeting", "Scan", "Notitie", "Passanten", "Overzicht"):
        page.get_by_role("tab", name=tab).click()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{tab}: {overflow}px too wide"
        small = page.evaluate(
            """() => [...document.querySelectorAll('main button, main select, main input')]
                .filter((el) => el.offsetParent !== null && el.type !== 'checkbox')
                .filter((el) => el.getBoundingClientRect().height < 44)
                .map((el) => el.outerHTML.slice(0, 60))"""
        )
        assert small == [], tab


def test_chromium_is_the_system_one(browser):
    assert browser.version and CHROMIUM == "/usr/bin/chromium"


def save_encounter_of_an_unknown_session(page) -> None:
    """Put an encounter into the phone's outbox whose session the server never saw."""
    page.evaluate(
        """async () => {
            const { saveRecord } = await import('/static/js/store.js');
            const data = JSON.parse(document.getElementById('capture-data').textContent);
            await saveRecord({ uuid: crypto.randomUUID(), kind: 'encounter', revision: 1,
                               session: crypto.randomUUID(), occurred_at: new Date().toISOString(),
                               encounter_type: 'greeting' },
                             { user: data.user, study: data.study.slug });
        }"""
    )


def test_refused_records_are_shown_with_the_reason(page, live_server):
    log_in(page, live_server, "fieldworker2")
    save_encounter_of_an_unknown_session(page)
    page.reload()
    refused = page.locator("[data-refused]")
    expect(refused).to_be_visible(timeout=PATIENCE)
    expect(refused).to_contain_text("Sessie: Onbekende sessie: stuur eerst het sessierecord.")
    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text(
        "1 niet opgeslagen: de server weigerde Ontmoeting", timeout=PATIENCE
    )
    expect(status).to_contain_text("Sessie: Onbekende sessie")
    expect(status).not_to_contain_text("Alles opgeslagen")
    expect(page.get_by_role("button", name="Wachtrij downloaden als bestand")).to_be_visible()
    expect(refused.get_by_role("button", name="Verbeteren")).to_have_count(0), "no session here"
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Verwijderen").click()
    expect(refused).to_be_hidden()
    expect(status).to_contain_text("Alles opgeslagen")


def test_a_server_that_says_when_to_come_back_is_not_asked_sooner(page, live_server):
    # 429 (the API limit) and 503 (busy) carry Retry-After: the phone waits that long
    # before its next try, instead of the 2 seconds its own back-off would start with.
    log_in(page, live_server, "fieldworker2")
    asked = []

    def busy(route):
        asked.append(route.request.url)
        route.fulfill(
            status=429,
            headers={"Retry-After": "600"},
            content_type="application/json",
            body=json.dumps({"error": "Te veel pogingen", "message": "Probeer het later."}),
        )

    page.route("**/api/v1/sync", busy)
    save_encounter_of_an_unknown_session(page)
    page.reload()
    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text("1 wachtend; versturen mislukt", timeout=PATIENCE)
    # The next try shown is ten minutes on (the minute of now + 9:20 … 10:00).
    later = page.evaluate(
        """async () => {
            const { timeOf } = await import('/static/js/field.js');
            return [560, 580, 600].map((s) => timeOf(new Date(Date.now() + s * 1000)));
        }"""
    )
    text = status.inner_text()
    assert any(f"nieuwe poging om {time}" in text for time in later), (text, later)
    assert asked, "the refusals came from the route above"
