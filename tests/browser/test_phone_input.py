"""What the phone does with careless input: scans that do not add up, long notes, refusals.

Issue 8, points 10–12 and 14: scans obey their arithmetic before they are saved; a refused
record is never "all saved", says which and why, and goes back into its editor; a long note
is counted and never cut; the session timer stops when the session ends.
"""

from playwright.sync_api import expect

from tests.browser.capture_helpers import (
    encounter,
    open_fieldwork,
    start_session,
    stored,
    tap,
    wait_all_saved,
)
from tests.browser.conftest import log_in

ACTIVITY = '[data-category="activity"][data-code="reading_games"]'


def test_a_scan_is_checked_before_it_is_saved(page, live_server):
    log_in(page, live_server, "fieldworker")
    uuid = start_session(page, "Nieuwe Bibliotheek Almere")
    page.get_by_role("tab", name="Scan").click()
    total = page.locator('[data-group-total="activity"]')
    error = page.locator("#scan-error")
    save = page.get_by_role("button", name="Scan opslaan")

    tap(page, ACTIVITY, 2)
    expect(total).to_have_text("(2 van 0)")
    save.click()
    expect(error).to_have_text(
        "Activiteit: 2 geteld, maar geen personen. Tel eerst de personen "
        "(Leeftijd (geschat), Gender (zoals waargenomen))."
    )
    tap(page, '[data-cell="25-64|woman"]')
    expect(total).to_have_text("(2 van 1)")
    expect(total).to_have_class("group-total over")
    save.click()
    expect(error).to_have_text(
        "Activiteit: 2 geteld, maar 1 persoon. Ieder persoon telt hier hooguit één keer."
    )
    expect(page.locator(f"{ACTIVITY} .count")).to_have_text("2"), "every tap is kept"
    page.locator('[data-condition="empty"]').click()
    save.click()
    expect(error).to_contain_text("Gemarkeerd als leeg, maar 2 personen geteld.")
    page.locator('[data-condition="empty"]').click()

    tap(page, '[data-cell="65+|man"]')
    expect(total).to_have_text("(2 van 2)")
    expect(total).to_have_class("group-total")
    save.click()
    expect(page.locator("#announce")).to_contain_text("2 personen")
    wait_all_saved(page)
    [scan] = stored(live_server, uuid)["scans"]
    assert scan["counts"] == {
        ("age", "25-64"): 1,
        ("age", "65+"): 1,
        ("gender", "woman"): 1,
        ("gender", "man"): 1,
        ("activity", "reading_games"): 2,
    }


def test_a_refused_note_is_not_all_saved_and_goes_back_into_its_editor(page, live_server):
    log_in(page, live_server, "fieldworker2")
    uuid = start_session(page, "Wijkpark Cromvliet")
    wait_all_saved(page)
    page.get_by_role("tab", name="Notitie").click()
    note = page.get_by_role("textbox", name="Notitie")
    # Pasted text can carry a character the server cannot store (here NUL).
    note.evaluate("(el) => { el.value = 'Bankjes vol\\u0000 bij de vijver'; }")
    page.get_by_role("button", name="Notitie opslaan").click()

    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text("1 niet opgeslagen: de server weigerde Notitie ")
    expect(status).to_contain_text(" – Tekst: ")
    expect(status).not_to_contain_text("Alles opgeslagen")
    expect(status).not_to_contain_text("text:")
    expect(page.locator("#announce")).to_contain_text("Niet opgeslagen: de server weigerde Notitie")
    expect(page.locator("#tally")).to_contain_text("0 notities")

    refused = page.locator("[data-refused]").first
    expect(refused).to_be_visible()
    expect(refused.get_by_role("button", name="Verwijderen")).to_be_visible()
    refused.get_by_role("button", name="Verbeteren").click()
    expect(note).to_be_focused()
    assert note.evaluate("(el) => el.value") == "Bankjes vol\x00 bij de vijver", "text kept"
    note.fill("Bankjes vol bij de vijver")
    page.get_by_role("button", name="Notitie opslaan").click()
    wait_all_saved(page)
    expect(refused).to_be_hidden()
    expect(page.locator("#tally")).to_contain_text("1 notitie")
    assert stored(live_server, uuid)["notes"] == ["Bankjes vol bij de vijver"]


def test_a_refused_record_elsewhere_is_fixed_from_the_fieldwork_home(page, live_server):
    log_in(page, live_server, "fieldworker2")
    uuid = start_session(page, "Wijkpark Cromvliet")
    page.get_by_role("tab", name="Notitie").click()
    note = page.get_by_role("textbox", name="Notitie")
    note.evaluate("(el) => { el.value = 'Markt\\u0000kramen'; }")
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("[data-refused]").first).to_be_visible()

    page.get_by_role("link", name="Veldwerk").first.click()
    refused = page.locator("[data-refused]")
    expect(refused).to_contain_text("Notitie ")
    expect(page.locator("[data-sync-status]")).to_contain_text("1 niet opgeslagen")
    refused.get_by_role("button", name="Verbeteren").click()
    page.wait_for_url(f"**/session#{uuid}")
    expect(note).to_be_visible()
    assert note.evaluate("(el) => el.value") == "Markt\x00kramen"
    note.fill("Marktkramen")
    page.get_by_role("button", name="Notitie opslaan").click()
    wait_all_saved(page)
    assert "Marktkramen" in stored(live_server, uuid)["notes"]


# As an older version of the app might have sent them: a scan that does not add up, and an
# encounter timed a day before its session started.
OLD_RECORDS = """async ([session, zone]) => {
    const { saveRecord } = await import("/static/js/store.js");
    const data = JSON.parse(document.getElementById("capture-data").textContent);
    const context = { user: data.user, study: data.study.slug };
    const now = new Date();
    await saveRecord({ uuid: crypto.randomUUID(), kind: "scan", revision: 1, session, zone,
                       observed_at: now.toISOString(), conditions: [],
                       counts: { age: { "25-64": 2 }, gender: { woman: 2 },
                                 activity: { resting: 3 } } }, context);
    await saveRecord({ uuid: crypto.randomUUID(), kind: "encounter", revision: 1, session, zone,
                       occurred_at: new Date(now - 86400000).toISOString(), flags: [],
                       encounter_type: "help", parties: "visitor_staff", relation: "recognised",
                       note: "bij de balie" }, context);
}"""


def test_a_refused_scan_and_encounter_go_back_into_their_editors(page, live_server):
    open_fieldwork(page, live_server, "coordinator")
    uuid = start_session(page, "Krachtstation Kanaleneiland")
    wait_all_saved(page)
    page.evaluate(OLD_RECORDS, [uuid, int(page.locator("#zone").input_value())])
    page.reload()
    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text("2 niet opgeslagen: de server weigerde ze (zie hieronder).")
    refused = page.locator("[data-refused]").first
    expect(refused.locator("li")).to_have_count(2)
    expect(refused).to_contain_text("Tellingen: Activiteit: 3 geteld, maar 2 personen.")
    expect(refused).to_contain_text("Tijd: De tijd ligt vóór het begin van de sessie")

    refused.locator("li", has_text="Scan").get_by_role("button", name="Verbeteren").click()
    expect(page.get_by_role("tab", name="Scan")).to_have_attribute("aria-selected", "true")
    expect(page.locator('[data-cell="25-64|woman"] .count')).to_have_text("2")
    total = page.locator('[data-group-total="activity"]')
    expect(total).to_have_text("(3 van 2)")
    page.get_by_role("button", name="−1 corrigeren").click()
    tap(page, '[data-category="activity"][data-code="resting"]')
    page.get_by_role("button", name="−1 corrigeren").click()
    expect(total).to_have_text("(2 van 2)")
    page.get_by_role("button", name="Scan opslaan").click()
    expect(refused.locator("li")).to_have_count(1)

    refused.get_by_role("button", name="Verbeteren").click()
    expect(page.locator("#editing")).to_contain_text("Verbeteren: Ontmoeting")
    page.locator('[data-step="type"] [data-value="help"]').click()
    page.locator('[data-step="parties"] [data-value="visitor_staff"]').click()
    expect(page.get_by_label("Korte notitie (optioneel)")).to_have_value("bij de balie")
    page.locator('[data-step="relation"] [data-value="recognised"]').click()
    expect(page.locator("#announce")).to_contain_text("Ontmoeting gewijzigd")
    wait_all_saved(page)
    expect(refused).to_be_hidden()
    held = stored(live_server, uuid)
    [scan] = held["scans"]
    assert scan["counts"][("activity", "resting")] == 2
    [kept] = held["encounters"]
    assert (kept["type"], kept["note"], kept["revision"]) == ("help", "bij de balie", 2)


def test_a_long_note_is_counted_and_never_cut(page, live_server):
    open_fieldwork(page, live_server, "lead")
    start_session(page, "VerHalenHuis Tilburg")
    page.get_by_role("tab", name="Notitie").click()
    note = page.get_by_role("textbox", name="Notitie")
    counter = page.locator("#note-text-count")
    spoken = page.locator("p.visually-hidden[aria-live]")
    assert note.get_attribute("maxlength") is None, "maxlength cuts pasted text silently"

    note.fill("x" * 1799)
    expect(counter).to_be_hidden()
    note.fill("x" * 1800)
    expect(counter).to_have_text("1800 van 2000 tekens")
    expect(spoken).to_have_text("1800 van 2000 tekens")
    note.press("x")
    expect(counter).to_have_text("1801 van 2000 tekens")
    expect(spoken).to_have_text("1800 van 2000 tekens"), "no announcement at every key"
    # The server counts characters, not UTF-16 units: 1,000 emoji are 1,000 characters.
    text = "🙂" * 1000 + "y" * 1001
    note.fill(text)
    expect(counter).to_have_text("1 teken te veel (hoogstens 2000)")
    expect(spoken).to_have_text("1 teken te veel (hoogstens 2000)")
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator("#note-error")).to_have_text("Hoogstens 2000 tekens; dit zijn er 2001.")
    expect(note).to_have_attribute("aria-invalid", "true")
    assert note.evaluate("(el) => el.value") == text, "nothing typed is lost"
    expect(page.locator("#tally")).to_contain_text("0 notities")

    page.get_by_role("tab", name="Ontmoeting").click()
    page.locator('[data-step="type"] [data-value="greeting"]').click()
    page.locator('[data-step="parties"] [data-value="visitor_visitor"]').click()
    short = page.get_by_label("Korte notitie (optioneel)")
    short.fill("z" * 501)
    expect(page.locator("#encounter-note-count")).to_have_text("1 teken te veel (hoogstens 500)")
    page.locator('[data-step="relation"] [data-value="strangers"]').click()
    expect(page.locator("#encounter-note-error")).to_have_text(
        "Hoogstens 500 tekens; dit zijn er 501."
    )
    expect(short).to_have_value("z" * 501)
    expect(page.locator("#tally")).to_contain_text("0 ontmoetingen")
    short.fill("z" * 500)
    page.locator('[data-step="relation"] [data-value="strangers"]').click()
    expect(page.locator("#announce")).to_contain_text("Ontmoeting opgeslagen")
    expect(page.locator("#tally")).to_contain_text("1 ontmoeting")


def test_server_forms_count_characters_near_their_limit(page, live_server):
    log_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/account")
    name = page.get_by_label("Naam", exact=True)
    counter = page.locator("#display_name-count")
    expect(counter).to_be_hidden()
    name.fill("n" * 110)
    expect(counter).to_have_text("110 van 120 tekens")
    expect(name).to_have_attribute("aria-describedby", "display_name-count")
    name.fill("n" * 125)
    expect(counter).to_have_text("5 tekens te veel (hoogstens 120)")
    assert name.get_attribute("maxlength") is None


def test_the_timer_stops_when_the_session_ends(page, live_server):
    page.clock.install()
    open_fieldwork(page, live_server, "coordinator")
    start_session(page, "Markt Rotterdam-Zuid")
    encounter(page)
    elapsed = page.locator("#elapsed")
    running = elapsed.text_content()
    page.clock.fast_forward("02:00")
    expect(elapsed).not_to_have_text(running)
    page.get_by_role("tab", name="Overzicht").click()
    page.get_by_role("button", name="Sessie beëindigen").click()
    page.get_by_role("dialog").get_by_role("button", name="Sessie beëindigen").click()
    expect(page.locator("#finished")).to_be_visible()
    ended = elapsed.text_content()
    page.clock.fast_forward("05:00")
    expect(elapsed).to_have_text(ended)
    expect(page.locator("#elapsed-label")).to_have_text("Duur:")
    page.reload()
    expect(page.locator("#finished")).to_be_visible()
    expect(elapsed).to_have_text(ended)
