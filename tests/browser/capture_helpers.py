"""Steps a fieldworker takes on the phone, for the capture tests."""

import sqlalchemy as sa
from playwright.sync_api import expect

from observations.extensions import db
from observations.models import Encounter, Scan, Session
from tests.browser.conftest import log_in


def ready_for_offline(page, server, username: str) -> None:
    """Log in and open the fieldwork home, so that the capture pages are cached."""
    log_in(page, server, username)
    page.goto(f"{server.url}/studies/demo/field/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Veldwerk")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function(
        """async () => {
            const names = await caches.keys();
            for (const name of names.filter((n) => n.startsWith('terloops-pages-'))) {
                const urls = (await (await caches.open(name)).keys()).map((r) => r.url);
                if (urls.some((u) => u.endsWith('/field/session'))
                    && urls.some((u) => u.endsWith('/field/start'))) return true;
            }
            return false;
        }""",
        timeout=15000,
    )


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
        "Alles opgeslagen", timeout=20000
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
