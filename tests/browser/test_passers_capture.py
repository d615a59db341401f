"""A fieldworker counts passers-by at a counting line on a phone, offline, and the count
arrives exactly once with the tallies that were tapped.

The demo's "Entree en leesplein" (Nieuwe Bibliotheek Almere) is a counting line, as is one
zone of every other demo site.
"""

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import PasserCount, Session, Site, Study, Zone
from tests.browser.capture_helpers import (
    ready_for_offline,
    start_session,
    tap,
    wait_all_saved,
)
from tests.browser.conftest import axe_violations, log_in

LINE = "Entree en leesplein"


def passer_rows(server, uuid: str) -> list[dict]:
    """The people-moving counts the server holds for a session, as plain values."""
    with server.app.app_context():
        session = db.session.scalar(sa.select(Session).filter_by(uuid=uuid))
        if session is None:
            return []
        return [
            {
                "uuid": row.uuid,
                "zone": row.zone.name,
                "minutes": row.minutes,
                "retracted": row.retracted,
                "revision": row.revision,
                "tallies": {(t.category, t.code): t.count for t in row.tallies},
            }
            for row in db.session.scalars(sa.select(PasserCount).filter_by(session_id=session.id))
        ]


def button(page, category: str, code: str) -> str:
    return f'[data-passers="{category}"][data-code="{code}"]'


def test_passers_counted_offline_arrive_exactly_once(page, context, live_server, tmp_path):
    page.clock.install()
    ready_for_offline(page, live_server, "fieldworker")
    context.set_offline(True)
    uuid = start_session(page, "Nieuwe Bibliotheek Almere")
    page.get_by_role("tab", name="Passanten").click()
    expect(page.locator("#passers-one-line")).to_have_text(f"Tellijn: {LINE}")
    minutes = page.get_by_label("Periode in minuten")
    expect(minutes).to_have_value("10")

    # A period out of range is refused with the reason; what was typed stays.
    minutes.fill("90")
    page.get_by_role("button", name="Telling starten").click()
    expect(page.locator("#passers-minutes-error")).to_have_text(
        "Geef de periode in hele minuten, van 1 tot 60."
    )
    expect(minutes).to_have_value("90")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    minutes.fill("10")
    page.get_by_role("button", name="Telling starten").click()
    expect(page.locator("#passers-count")).to_be_visible()
    expect(page.locator("#passers-left")).to_contain_text("0")

    tap(page, button(page, "mode", "on_foot"), 8)
    tap(page, button(page, "mode", "bicycle"), 2)
    tap(page, button(page, "mode", "pushchair"))
    tap(page, button(page, "gender", "woman"), 3)
    tap(page, button(page, "gender", "man"), 2)
    tap(page, button(page, "age", "25-64"), 4)
    tap(page, button(page, "group", "alone"), 5)
    tap(page, button(page, "group", "pair"), 2)
    # Undo takes back the last tap; −1 corrects the eighth on foot.
    tap(page, button(page, "mode", "other"))
    expect(page.locator("#passers-total")).to_have_text("12 passanten")
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("#announce")).to_contain_text("Ongedaan gemaakt: anders")
    page.locator("#passers-minus").click()
    tap(page, button(page, "mode", "on_foot"))
    page.locator("#passers-minus").click()
    expect(page.locator("#passers-total")).to_have_text("10 passanten")
    expect(page.locator(f"{button(page, 'mode', 'on_foot')} .count")).to_have_text("7")
    expect(page.locator('[data-passers-total="gender"]')).to_have_text("(5 van 10)")

    # A reload (still offline) keeps the count in progress, tap for tap.
    page.reload()
    page.get_by_role("tab", name="Passanten").click()
    expect(page.locator("#passers-total")).to_have_text("10 passanten")
    expect(page.locator(f"{button(page, 'mode', 'other')} .count")).to_have_text("0")
    expect(page.locator(f"{button(page, 'group', 'pair')} .count")).to_have_text("2")
    expect(page.locator("#passers-time-up")).to_be_hidden()

    # The period ends: the screen says so, and the fieldworker finishes (no question asked).
    page.clock.fast_forward("10:01")
    expect(page.locator("#passers-time-up")).to_be_visible()
    expect(page.locator("#passers-left")).to_have_text("00:00")
    page.get_by_role("button", name="Telling afronden").click()
    expect(page.locator("#announce")).to_contain_text(
        f"Telling opgeslagen: Passanten bij {LINE}: 10 personen in 10 min"
    )
    expect(page.locator("#passers-setup")).to_be_visible()
    expect(page.locator("#tally")).to_contain_text("1 passantentelling")
    page.get_by_role("tab", name="Overzicht").click()
    expect(page.locator("#recent")).to_contain_text(f"Passanten bij {LINE}: 10 personen in 10 min")
    assert passer_rows(live_server, uuid) == [], "nothing can have left the phone"

    context.set_offline(False)
    wait_all_saved(page)
    [row] = passer_rows(live_server, uuid)
    assert row["zone"] == LINE and row["minutes"] == 10 and not row["retracted"]
    assert row["tallies"] == {
        ("mode", "on_foot"): 7,
        ("mode", "bicycle"): 2,
        ("mode", "pushchair"): 1,
        ("gender", "woman"): 3,
        ("gender", "man"): 2,
        ("age", "25-64"): 4,
        ("group", "alone"): 5,
        ("group", "pair"): 2,
    }

    # The same record sent again (a reply lost on a cut network) is stored once.
    page.evaluate(
        """async (id) => {
            const { get, saveRecord } = await import('/static/js/store.js');
            const local = await get('records', id);
            await saveRecord(local.record, { user: local.user, study: local.study });
        }""",
        row["uuid"],
    )
    page.reload()
    wait_all_saved(page)
    assert passer_rows(live_server, uuid) == [row]
    # The workbook's Passers-by sheet holds the count as tapped.
    [sheet_row] = workbook_rows(live_server, tmp_path, row["uuid"])
    assert sheet_row["total"] == 10 and sheet_row["minutes"] == 10
    assert sheet_row["zone"] == LINE and sheet_row["observer"] == "W01"
    tapped = {f"{category}_{code}": n for (category, code), n in row["tallies"].items()}
    assert {k: v for k, v in sheet_row.items() if k in tapped} == tapped
    assert sheet_row["mode_other"] == 0 and sheet_row["gender_unknown"] == 0


def workbook_rows(server, tmp_path, uuid: str) -> list[dict]:
    """The Passers-by rows of the count with this UUID in a workbook export (raw codes)."""
    with server.app.test_request_context():
        count = db.session.scalar(sa.select(PasserCount).filter_by(uuid=uuid))
        study = db.session.get(Study, count.study_id)
        path = tmp_path / "passers.xlsx"
        export(study, ExportOptions(labels="codes"), str(path))
        book = load_workbook(path, read_only=True)
        header, *rows = book["Passers-by"].iter_rows(values_only=True)
        found = [dict(zip(header, r, strict=True)) for r in rows if r[0] == count.id]
        book.close()
        return found


def test_finishing_early_asks_and_keeps_the_minutes_it_ran(page, live_server):
    log_in(page, live_server, "fieldworker2")
    start_session(page, "Nieuwe Bibliotheek Almere")
    uuid = page.url.split("#", 1)[1]
    page.get_by_role("tab", name="Passanten").click()
    page.get_by_role("button", name="Telling starten").click()
    tap(page, button(page, "mode", "wheelchair"))
    tap(page, button(page, "gender", "unknown"), 2)
    page.get_by_role("button", name="Telling afronden").click()
    # More people by gender than by mode: said, and nothing saved, every tap kept.
    expect(page.locator("#passers-error")).to_contain_text("2 personen, meer dan de 1")
    expect(page.locator("#passers-count")).to_be_visible()
    tap(page, button(page, "mode", "bicycle"))

    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Telling afronden").click()
    expect(page.locator("#passers-count")).to_be_visible()
    assert "nog niet om" in questions[0]
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Telling afronden").click()
    expect(page.locator("#passers-setup")).to_be_visible()
    # Announced once queued (the status line counts it by then): then wait for it to leave.
    expect(page.locator("#announce")).to_contain_text("Telling opgeslagen")
    wait_all_saved(page)
    [row] = passer_rows(live_server, uuid)
    assert row["minutes"] == 1, "saved with the minute it ran, not the 10 set"
    assert row["tallies"] == {
        ("mode", "wheelchair"): 1,
        ("mode", "bicycle"): 1,
        ("gender", "unknown"): 2,
    }
    # Undo withdraws the saved count, on the server too.
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("#announce")).to_contain_text("Ongedaan gemaakt: Passanten bij")
    wait_all_saved(page)
    assert [r["retracted"] for r in passer_rows(live_server, uuid)] == [True]


def test_ending_the_session_saves_the_count_in_progress(page, live_server):
    log_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/studies/demo/field/")
    uuid = start_session(page, "Nieuwe Bibliotheek Almere")
    page.get_by_role("tab", name="Passanten").click()
    page.get_by_label("Periode in minuten").fill("5")
    page.get_by_role("button", name="Telling starten").click()
    tap(page, button(page, "mode", "on_foot"), 3)
    expect(page.locator("#passers-total")).to_have_text("3 passanten")
    page.get_by_role("tab", name="Overzicht").click()
    page.get_by_role("button", name="Sessie beëindigen").click()
    expect(page.locator("#end-passers")).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="Sessie beëindigen").click()
    expect(page.locator("#finished")).to_be_visible()
    expect(page.locator("#finished-summary")).to_contain_text("1 passantentelling")
    wait_all_saved(page)
    [row] = passer_rows(live_server, uuid)
    assert row["tallies"] == {("mode", "on_foot"): 3} and row["minutes"] == 1


def test_no_passers_tab_without_a_counting_line(page, live_server):
    with live_server.app.app_context():  # the park's line ("Bankjes bij de vijver") unmarked
        lines = sa.select(Zone).join(Site).where(Site.name == "Wijkpark Cromvliet")
        for zone in db.session.scalars(lines.where(Zone.counting_line.is_(True))):
            zone.counting_line = False
        db.session.commit()
    log_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/studies/demo/field/")
    start_session(page, "Wijkpark Cromvliet")
    expect(page.get_by_role("tab", name="Scan")).to_be_visible()
    expect(page.locator("#tab-passers")).to_be_hidden()
    expect(page.locator("#tally")).not_to_contain_text("passantentelling")


def test_passers_tab_has_no_accessibility_violations(axe_page, live_server):
    page = axe_page
    log_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/studies/demo/field/")
    start_session(page, "Nieuwe Bibliotheek Almere")
    page.get_by_role("tab", name="Passanten").click()
    assert axe_violations(page) == [], "set-up"
    page.get_by_role("button", name="Telling starten").click()
    tap(page, button(page, "mode", "on_foot"))
    assert axe_violations(page) == [], "counting"
