"""Browser tests: the app served on a real port, driven by the system Chromium as a phone."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from observations.extensions import db
from tests import snapshots
from tests.conftest import empty_database, make_app

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "terloops-demo"

# `expect` waits for a state; on a busy two-core machine that state may take a while.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items):
    """Mark every test in this folder as a browser test.

    When a phone drops a connection mid-response (going offline, navigating away), the
    Werkzeug development server that serves these tests fails in its cleanup before it
    closes the static file it was sending. That file's ResourceWarning is the dev server's,
    not the app's (production runs gunicorn), so it alone is ignored here.
    """
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:unclosed file <_io.BufferedReader name='[^']*/static/:ResourceWarning"
                )
            )


@pytest.fixture(scope="session")
def base_url():
    """No fixed base URL: each module's live server has its own port.

    (Also replaces pytest-playwright's own fixture, which pytest 9 deprecates.)
    """
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium headless; never a downloaded browser."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install chromium"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    """Every page is a Pixel 5 phone with a Dutch browser."""
    return {**browser_context_args, **playwright.devices["Pixel 5"], "locale": "nl-NL"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app with the demo study, served on a free local port for this module's tests."""
    tmp_path = tmp_path_factory.mktemp("live")
    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
    snapshots.demo(app, password=DEMO_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.app = app
    yield server
    server.shutdown()
    thread.join()
    empty_database(app)


@pytest.fixture
def axe_page(browser, browser_context_args):
    """A phone page that lets axe-core be injected despite the content security policy."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def log_in(page, server, username, password=DEMO_PASSWORD):
    """Log in through the form, as a person would."""
    page.goto(server.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    # Wait for the answer's page, so that the next step does not cut the login short.
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.1 A and AA; return the violations."""
    assert AXE.exists(), "axe-core missing: run npm ci"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}
        })"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
