"""Steps a fieldworker takes on the phone, for the capture tests.

Every wait here waits for an event or a state, never for a fixed time, and allows for a
busy two-core machine: a service worker may take a while to install there.
"""

import time

import sqlalchemy as sa
from playwright.sync_api import expect

from observations.extensions import db
from observations.models import Encounter, Scan, Session
from tests.browser.conftest import DEMO_PASSWORD, log_in

# How long a state may take to arrive on a loaded machine (a wait, not a sleep).
PATIENCE = 60_000

# Resolves once the service worker is active (installed with its precache): the next page
# opened, online or offline, goes through it. (The page itself need not be controlled: a page
# that was loading while the worker activated is not claimed, and stays so until reloaded.)
ACTIVE = """async (ms) => await Promise.race([
    navigator.serviceWorker.ready.then((registration) => registration.active !== null),
    new Promise((resolve) => setTimeout(() => resolve(false), ms)),
])"""

# Whether the start and session screens are in the service worker's page cache.
PAGES_CACHED = """async () => {
    for (const name of (await caches.keys()).filter((n) => n.startsWith("terloops-pages-"))) {
        const urls = (await (await caches.open(name)).keys()).map((r) => r.url);
        if (urls.some((u) => u.endsWith("/field/session"))
            && urls.some((u) => u.endsWith("/field/start"))) return true;
    }
    return false;
}"""


def poll(page, predicate: str, message: str, timeout: int = PATIENCE, arg=None) -> None:
    """Evaluate an (async) predicate in the page until it holds; fail after `timeout` ms."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"{message} (not within {timeout / 1000:.0f} s)"
        time.sleep(0.1)


def worker_active(page) -> None:
    """Wait until the service worker is active for the page's scope."""
    assert page.evaluate(ACTIVE, PATIENCE), "the service worker did not become active"


def open_fieldwork(page, server, username: str) -> None:
    """Log in and open the fieldwork home (leads and coordinators land elsewhere)."""
    log_in(page, server, username)
    page.goto(f"{server.url}/studies/demo/field/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Veldwerk")


def ready_for_offline(page, server, username: str) -> None:
    """Log in and open the fieldwork home, so that the capture pages are cached."""
    open_fieldwork(page, server, username)
    worker_active(page)
    poll(page, PAGES_CACHED, "the start and session screens were not cached")


def start_session(page, site: str) -> str:
    """Start an unplanned session at a site from the home page; return its UUID."""
    page.get_by_role("link", name="Start een ongeplande sessie").click()
    page.get_by_label("Locatie").select_option(label=site)
    page.get_by_role("button", name="Start de sessie").click()
    page.wait_for_url("**/session#*")
    expect(page.locator("#capture")).to_be_visible()
    return page.url.split("#", 1)[1]


def encounter(page, kind="greeting", parties="visitor_visitor", relation="strangers"):
    """Log an encounter with three taps."""
    page.locator(f'[data-step="type"] [data-value="{kind}"]').click()
    page.locator(f'[data-step="parties"] [data-value="{parties}"]').click()
    page.locator(f'[data-step="relation"] [data-value="{relation}"]').click()
    expect(page.locator('[data-step="type"]')).to_be_visible()


def tap(page, selector: str, times: int = 1) -> None:
    """Tap a counter a number of times."""
    for _ in range(times):
        page.locator(selector).click()


def wait_all_saved(page) -> None:
    """Wait until the status line says everything reached the server."""
    expect(page.locator("[data-sync-status]").first).to_contain_text(
        "Alles opgeslagen", timeout=PATIENCE
    )


def stored(server, uuid: str) -> dict:
    """What the server holds of a session, as plain values."""
    with server.app.app_context():
        session = db.session.scalar(sa.select(Session).filter_by(uuid=uuid))
        if session is None:
            return {"session": None, "encounters": [], "scans": [], "notes": []}
        return {
            "session": {
                "ended": session.ended_at is not None,
                "slot": session.slot_id,
                "site": session.site.name,
                "crowding": session.crowding,
                "zones": sorted(z.id for z in session.zones),
            },
            "encounters": [
                {
                    "uuid": e.uuid,
                    "type": e.encounter_type,
                    "parties": e.parties,
                    "relation": e.relation,
                    "flags": sorted(e.flags),
                    "note": e.note,
                    "retracted": e.retracted,
                    "revision": e.revision,
                }
                for e in db.session.scalars(sa.select(Encounter).filter_by(session_id=session.id))
            ],
            "scans": [
                {
                    "zone": s.zone_id,
                    "retracted": s.retracted,
                    "counts": {(c.category, c.code): c.count for c in s.counts},
                    "conditions": sorted(s.conditions),
                }
                for s in db.session.scalars(sa.select(Scan).filter_by(session_id=session.id))
            ],
            "notes": [n.text for n in session.notes if not n.retracted],
        }


def send_after_logging_in_again(page, server, uuid: str, username: str, waiting: int) -> None:
    """The status line asks to log in again for `waiting` records; do so and see them arrive."""
    status = page.locator("[data-sync-status]").first
    expect(status).to_contain_text(
        f"Log opnieuw in om {waiting} records te versturen", timeout=PATIENCE
    )
    assert stored(server, uuid)["session"] is None
    page.get_by_role("link", name="Opnieuw inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**/session#{uuid}")
    wait_all_saved(page)
