"""The fieldwork pages themselves: one clock per language, the language offline, no layout
shift, a session address without a session, and no accessibility violations.

Issue 8, points 14 and 15.
"""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.capture_helpers import (
    PATIENCE,
    open_fieldwork,
    poll,
    ready_for_offline,
    start_session,
    tap,
    wait_all_saved,
)
from tests.browser.conftest import axe_violations, log_in

# A time of day, and one followed by AM or PM (after a space or a narrow no-break space).
A_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
A_12_HOUR_TIME = re.compile(r"\b\d{1,2}:\d{2}\s?[AP]M\b")
HTML_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

# Sums the layout shifts of the page from its first paint on (as CLS does, without input).
WATCH_SHIFTS = """
window.__shift = 0;
const add = (entries) => {
    for (const entry of entries) if (!entry.hadRecentInput) window.__shift += entry.value;
};
window.__shifts = new PerformanceObserver((list) => add(list.getEntries()));
window.__shifts.observe({ type: "layout-shift", buffered: true });
window.__shifts.add = add;
// Lay out and paint every frame, as a phone's screen does (headless Chromium otherwise
// skips the frames in which a late script moves things, and the shift goes unseen).
const frame = () => {
    document.body?.getBoundingClientRect();
    if (!window.__measured) requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
"""

# The shifts so far: after two more frames are painted, with entries not yet delivered.
SHIFT_SO_FAR = """async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    window.__shifts.add(window.__shifts.takeRecords());
    window.__measured = true;
    return window.__shift;
}"""

# Whether the worker's cached session screen is in a language.
CACHED_IN = """async (lang) => {
    for (const name of (await caches.keys()).filter((n) => n.startsWith("terloops-pages-"))) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            if (!request.url.endsWith("/field/session")) continue;
            const response = await cache.match(request);
            if (response.headers.get("content-language") === lang) return true;
        }
    }
    return false;
}"""


def switch_language(page, name: str) -> None:
    """Press a language button in the footer and wait for the page it leads back to."""
    lang = {"English": "en", "Nederlands": "nl"}[name]
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_english_pages_use_one_clock(page, live_server):
    open_fieldwork(page, live_server, "lead")
    start_session(page, "Wijkpark Cromvliet")
    wait_all_saved(page)
    page.get_by_role("link", name="Veldwerk").first.click()
    switch_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fieldwork")
    status = page.locator("[data-sync-status]")
    expect(status).to_contain_text("last sent")
    expect(page.locator("#open-sessions li")).to_have_count(1)
    main = page.locator("main").inner_text()
    times = A_TIME.findall(main)
    assert times, "the page shows times"
    assert len(A_12_HOUR_TIME.findall(main)) == len(times), main
    assert A_12_HOUR_TIME.search(status.inner_text()), "the phone's times too"
    for value in page.locator("time[datetime]").evaluate_all("(els) => els.map((e) => e.dateTime)"):
        assert HTML_DATETIME.match(value), value
    switch_language(page, "Nederlands")
    main = page.locator("main").inner_text()
    assert A_TIME.findall(main) and not A_12_HOUR_TIME.search(main)


def test_switching_language_reaches_the_offline_pages(page, context, live_server):
    ready_for_offline(page, live_server, "coordinator")
    page.get_by_role("link", name="Start een ongeplande sessie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie starten")
    switch_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    poll(page, CACHED_IN, "the cached session screen stayed Dutch", arg="en")

    context.set_offline(True)
    page.goto(f"{live_server.url}/studies/demo/field/session")
    expect(page.locator("#missing")).to_contain_text("No session chosen")
    page.goto(f"{live_server.url}/studies/demo/field/start")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    context.set_offline(False)
    switch_language(page, "Nederlands")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessie starten")


def test_the_fieldwork_home_does_not_shift_when_open_sessions_show(page, live_server):
    open_fieldwork(page, live_server, "fieldworker2")
    start_session(page, "Nieuwe Bibliotheek Almere")
    wait_all_saved(page)
    page.add_init_script(WATCH_SHIFTS)
    page.set_viewport_size({"width": 320, "height": 640})  # a small phone: lines wrap sooner
    # A phone is slower than this machine: its scripts finish after the first paint.
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 6})
    page.goto(f"{live_server.url}/studies/demo/field/")
    expect(page.locator("#open-sessions li")).to_have_count(1)
    wait_all_saved(page)
    page.wait_for_load_state("networkidle", timeout=PATIENCE)
    shift = page.evaluate(SHIFT_SO_FAR)
    assert shift < 0.1, f"cumulative layout shift {shift:.3f}"


def test_a_session_address_without_a_session_says_what_to_do(page, live_server):
    log_in(page, live_server, "fieldworker")
    page.goto(f"{live_server.url}/studies/demo/field/session")
    missing = page.locator("#missing")
    expect(missing).to_have_text(
        "Geen sessie gekozen: start er een of ga verder met een vanuit Veldwerk. "
        "Terug naar veldwerk"
    )
    page.goto(f"{live_server.url}/studies/demo/field/session#{uuid.uuid4()}")
    page.reload()
    expect(missing).to_contain_text("Deze sessie bestaat niet of is niet van jou.")
    expect(missing).not_to_contain_text("internet")
    missing.get_by_role("link", name="Terug naar veldwerk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veldwerk")


def test_changed_phone_screens_have_no_accessibility_violations(axe_page, live_server):
    page = axe_page
    open_fieldwork(page, live_server, "fieldworker")
    uuid_ = start_session(page, "Markt Rotterdam-Zuid")
    page.get_by_role("tab", name="Scan").click()
    tap(page, '[data-category="activity"][data-code="buying_selling"]')
    page.get_by_role("button", name="Scan opslaan").click()
    expect(page.locator("#scan-error")).to_be_visible()
    assert axe_violations(page) == [], "scan that does not add up"
    page.get_by_role("tab", name="Notitie").click()
    page.get_by_role("textbox", name="Notitie").fill("x" * 2001)
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("#note-text-count")).to_be_visible()
    assert axe_violations(page) == [], "note over its limit"
    page.get_by_role("textbox", name="Notitie").evaluate("(el) => { el.value = 'a\\u0000b'; }")
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("[data-refused]").first).to_be_visible()
    assert axe_violations(page) == [], "a refused note"
    page.get_by_role("link", name="Veldwerk").first.click()
    expect(page.locator(f'#open-sessions [data-session="{uuid_}"]')).to_be_visible()
    expect(page.locator("[data-refused]")).to_be_visible()
    assert axe_violations(page) == [], "home with an open session and a refused note"
    page.goto(f"{live_server.url}/studies/demo/field/session")
    expect(page.locator("#missing")).to_be_visible()
    assert axe_violations(page) == [], "no session chosen"
