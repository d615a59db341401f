"""Every page of every role, in Dutch and English: 0 axe-core violations, 0 HTML errors.

The pages come from the route table (expectations.py): every GET row that a fieldworker,
lead, coordinator, admin or anonymous visitor may open and that answers HTML, plus one
403 and one 404 page per role, plus the states of the session screen. A new page with a row
is swept without anyone editing this file. The served HTML (the answer's body, not what
scripts made of it) of every page goes through the W3C validator (vnu.jar) in one run.
"""

import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from observations.extensions import db
from observations.models import Session
from tests.access import world as worlds
from tests.access.expectations import ROWS
from tests.access.rows import FORBIDDEN, NOT_FOUND, OK, url_of
from tests.browser.conftest import ROOT, axe_violations, log_in
from tests.conftest import TEST_DATABASE_URL, empty_database, make_app
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings(
        "ignore:unclosed file <_io.BufferedReader name='[^']*/static/:ResourceWarning"
    ),
]

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Both languages on SQLite; on PostgreSQL (CI runs both side by side) the pages are swept in
# Dutch only: the markup does not depend on the database, and the English half of the sweep
# would add minutes to the slower of the two runs for nothing new.
LANGUAGES = ("nl",) if TEST_DATABASE_URL else ("nl", "en")
# Every page's served HTML goes through the validator in every language. axe-core, which
# takes most of the sweep's minutes, checks every page in Dutch and the phone screens in
# English too (the laptop pages have the same markup with other words);
# TERLOOPS_FULL_SWEEP=1 runs axe-core on every page in both languages.
FULL_SWEEP = os.environ.get("TERLOOPS_FULL_SWEEP") == "1"


def axe_checks(language: str, screen: str) -> bool:
    """Whether axe-core checks the pages of this language on this screen."""
    return FULL_SWEEP or language == LANGUAGES[0] or screen == "phone"


LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
# One actor per role, and the screen each one works on (anonymous visitors: both).
SWEPT = {
    "anonymous": ("phone", "laptop"),
    "fieldworker_a": ("phone",),
    "lead_a": ("laptop",),
    "coordinator_a": ("laptop",),
    "admin": ("laptop",),
}
STATUS = {OK: 200, FORBIDDEN: 403, NOT_FOUND: 404}
# What shows that a page's scripts have drawn it (pages without scripts: the load event).
READY = {
    "field.index": "[data-sync-status][data-phase]",
    "field.start": "[data-sync-status][data-phase]",
    "field.session": "#loading[hidden]",
}


@dataclass
class Sweep:
    """What the sweep visited and found."""

    pages: list[str] = field(default_factory=list)  # "actor language screen: row" (· state)
    violations: dict[str, list] = field(default_factory=dict)
    served: list[Path] = field(default_factory=list)  # one HTML file per page and language
    # What goes wrong with each page on a phone's screen (PHONE_PROBLEMS).
    on_phone: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # redirects, JSON, files


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port, with the demo study as study A of the access world."""
    app = make_app(tmp_path_factory.mktemp("sweep"))
    with app.app_context():
        db.create_all()
    with app.test_request_context():
        world = worlds.build(demo_study=True)
        # The fieldworker's session is at the study's first site: a counting line there
        # brings the passers-by tab into the session screen's states.
        session = db.session.scalar(
            select(Session).filter_by(uuid=world.objects["session of fieldworker_a"])
        )
        min(session.zones, key=lambda zone: zone.position).counting_line = True
        db.session.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url, httpd.app, httpd.world = f"http://127.0.0.1:{httpd.server_port}", app, world
    yield httpd
    httpd.shutdown()
    thread.join()
    empty_database(app)


def pages_of(actor: str) -> list[tuple[str, object]]:
    """(outcome, row) of the GET rows the actor may open, and of one 403 and one 404 row."""
    rows = [row for row in ROWS if row.method == "GET"]
    pages = [(OK, row) for row in rows if row.expect[actor] == OK]
    pages_with_errors = [row for row in rows if not row.endpoint.startswith("api.")]
    for refused in (FORBIDDEN, NOT_FOUND):
        pages += [(refused, row) for row in pages_with_errors if row.expect[actor] == refused][:1]
    return pages


# What goes wrong on a phone's narrow screen: the page scrolls sideways (something wider than
# the screen outside a frame that scrolls), or a checkbox or radio button is not drawn square
# (a flex item shrunk beside a label that wraps), named by its label.
PHONE_PROBLEMS = """() => {
  const root = document.documentElement;
  const found = [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
    .filter((e) => { const r = e.getBoundingClientRect();
                     return r.width > 0 && r.height > 0 && Math.abs(r.width - r.height) > 1; })
    .map((e) => 'squeezed: '
                + (e.labels && e.labels.length ? e.labels[0].textContent.trim() : e.name));
  if (root.scrollWidth > root.clientWidth + 1) {
    // The first element that reaches past the screen, outside a frame that scrolls or clips.
    const inFrame = (e) => { for (let a = e.parentElement; a && a !== document.body;
                                  a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
    const wide = [...document.body.querySelectorAll('*')].find((e) =>
      e.getBoundingClientRect().right > root.clientWidth + 1 && !inFrame(e));
    const what = wide ? ` (${wide.tagName.toLowerCase()}.${wide.className}: `
      + `"${wide.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60)}")` : '';
    found.unshift(`scrolls sideways: ${root.scrollWidth} px on a ${root.clientWidth} px `
                  + `screen${what}`);
  }
  return found;
}"""
# A phone's screen: the Pixel 5's, which the phone pages emulate.
PHONE_SCREEN = {"width": 393, "height": 851}


def phone_problems(page) -> list[str]:
    """What goes wrong with the page on a phone: leads and coordinators work on one too,
    where labels wrap and tables do not fit."""
    size = page.viewport_size
    page.set_viewport_size(PHONE_SCREEN)
    try:
        return page.evaluate(PHONE_PROBLEMS)
    finally:
        page.set_viewport_size(size)


def ready(page, endpoint: str) -> None:
    """Wait until the page's scripts have drawn it."""
    if endpoint in READY:
        expect(page.locator(READY[endpoint]).first).to_be_attached()


def choose_language(page, server, actor: str, language: str) -> None:
    """Switch the interface language with the form at the foot of every page."""
    page.goto(server.url + ("/login" if actor == "anonymous" else "/account"))
    page.locator(f'.language-switch button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def session_states(page, sweep: Sweep, label: str, server) -> None:
    """The fieldworker's open session: each tab, the encounter's steps and the end dialog."""
    page.goto(f"{page.url.split('#')[0]}#{server.world['session of fieldworker_a']}")
    page.reload()
    expect(page.locator("#capture")).to_be_visible()

    def check(state: str) -> None:
        sweep.pages.append(f"{label} · {state}")
        sweep.violations[f"{label} · {state}"] = axe_violations(page)

    for tab in ("encounter", "scan", "note", "passers", "log"):
        page.locator(f"#tab-{tab}").click()
        expect(page.locator(f"#panel-{tab}")).to_be_visible()
        check(f"tab {tab}")
    page.locator("#tab-passers").click()
    page.locator("#passers-start").click()
    page.locator('[data-passers="mode"]').first.click()
    expect(page.locator("#passers-total")).not_to_be_empty()
    check("passers counting")
    page.locator("#tab-encounter").click()
    page.locator('[data-step="type"] [data-value="greeting"]').click()
    expect(page.locator('[data-step="parties"]')).to_be_visible()
    check("encounter step 2")
    page.locator('[data-step="parties"] [data-value="visitor_visitor"]').click()
    expect(page.locator('[data-step="relation"]')).to_be_visible()
    check("encounter step 3")
    page.locator("#tab-log").click()
    page.locator("#end-session").click()
    expect(page.locator("#end-dialog")).to_be_visible()
    check("end dialog")
    page.locator("#end-cancel").click()
    expect(page.locator("#end-dialog")).to_be_hidden()


def visit(context, page, server, actor, language, screen, sweep, folder) -> None:
    """Sweep the actor's pages in one language on one screen."""
    for outcome, row in pages_of(actor):
        url = server.url + url_of(row, server.world, server.app.url_map)
        label = f"{actor} {language} {screen}: {row}" + (f" ({outcome})" if outcome != OK else "")
        answer = context.request.get(url, max_redirects=0)
        if answer.status in (301, 302, 303) or "text/html" not in answer.headers["content-type"]:
            sweep.skipped.append(label)  # a redirect (its target has a row) or no page
            continue
        assert answer.status == STATUS[outcome], f"{label}: {answer.status}"
        if screen == SWEPT[actor][0]:  # the served HTML is the same on every screen
            name = re.sub(r"[^a-z0-9_.]+", "-", f"{actor} {language} {row} {outcome}".lower())
            served = folder / f"{len(sweep.served):03d}-{name}.html"
            served.write_bytes(answer.body())
            sweep.served.append(served)
        sweep.pages.append(label)
        if not axe_checks(language, screen):
            continue
        page.goto(url)
        if outcome == OK:
            ready(page, row.endpoint)
        sweep.violations[label] = axe_violations(page)
        sweep.on_phone[label] = phone_problems(page)
        if row.endpoint == "field.session" and actor == "fieldworker_a":
            session_states(page, sweep, label, server)


@pytest.fixture(scope="module")
def sweep(server, browser, playwright, tmp_path_factory) -> Sweep:
    """Visit every page of every swept role in every language."""
    found, folder = Sweep(), tmp_path_factory.mktemp("served")
    screens = {"phone": playwright.devices["Pixel 5"], "laptop": LAPTOP}
    for language in LANGUAGES:
        for actor, actor_screens in SWEPT.items():
            for screen in actor_screens:
                context = browser.new_context(
                    **screens[screen],
                    locale={"nl": "nl-NL", "en": "en-GB"}[language],
                    bypass_csp=True,  # lets axe-core in; the app's policy stays as it is
                    service_workers="block",
                )
                page = context.new_page()
                if actor != "anonymous":
                    log_in(page, server, server.world.usernames[actor], PASSWORD)
                    page.wait_for_url(lambda url: "/login" not in url)
                choose_language(page, server, actor, language)
                visit(context, page, server, actor, language, screen, found, folder)
                context.close()
    return found


def test_every_page_has_no_axe_violations(sweep):
    failing = {label: found for label, found in sweep.violations.items() if found}
    print(f"\naxe-core: {len(sweep.violations)} pages and states checked")
    for actor, screens in SWEPT.items():
        for language in LANGUAGES:
            checked = [v for v in sweep.violations if v.startswith(f"{actor} {language} ")]
            assert checked or not axe_checks(language, screens[0]), f"{actor} {language}"
    assert not failing, "axe-core (WCAG 2.1 A/AA) violations:\n" + "\n".join(
        f"  {label}: {found}" for label, found in failing.items()
    )


def test_every_page_fits_a_phone(sweep):
    assert sweep.on_phone, "no page was measured"
    failing = {label: found for label, found in sweep.on_phone.items() if found}
    assert not failing, "pages that do not fit a phone's screen:\n" + "\n".join(
        f"  {label}: {found}" for label, found in failing.items()
    )


def test_every_served_page_is_valid_html(sweep):
    assert VNU.exists(), "vnu.jar missing: run npm ci"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, sweep.served)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [m for m in messages if m["type"] != "info"]
    for warning in (m for m in messages if m["type"] == "info"):
        print(f"vnu warning: {Path(warning.get('url', '')).name}: {warning['message']}")
    print(f"\nvnu: {len(sweep.served)} served pages checked")
    assert not errors, "HTML errors (W3C validator):\n" + "\n".join(
        f"  {Path(m.get('url', '')).name} line {m.get('lastLine')}: {m['message']} "
        f"[{m.get('extract', '').strip()}]"
        for m in errors
    )


def test_the_sweep_covers_every_page_of_every_role(sweep):
    per_language = sorted({re.sub(r"^(\S+) \S+ ", r"\1 ", label) for label in sweep.pages})
    print(f"\n{len(per_language)} pages and states × {len(LANGUAGES)} languages:")
    print("\n".join(f"  {label}" for label in per_language))
    languages = {label.split(" ")[1] for label in sweep.pages}
    assert languages == set(LANGUAGES)
    for actor in SWEPT:
        for language in LANGUAGES:
            visited = [p for p in sweep.pages if p.startswith(f"{actor} {language} ")]
            assert visited, f"no page of {actor} in {language}"
    states = [p for p in sweep.pages if "field.session" in p and "end dialog" in p]
    assert len(states) == len(LANGUAGES), "the session screen's states were not swept"
