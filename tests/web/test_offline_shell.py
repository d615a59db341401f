"""What makes the capture pages work offline: service worker, manifest, page data, size."""

import json
import re
from pathlib import Path

import pytest

from observations import offline
from tests import snapshots
from tests.conftest import AuthActions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fieldworker(app, client):
    """The demo study, with its fieldworker logged in."""
    snapshots.demo(app)
    AuthActions(client).login("fieldworker", "correct-horse-battery")
    return client


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__VERSION__" not in source and "__ASSETS__" not in source
    version = re.search(r'const VERSION = "([0-9a-f]{12})";', source).group(1)
    assets = json.loads(re.search(r"const ASSETS = (\[.*?\]);", source).group(1))
    assert "/static/js/capture.js" in assets and "/static/css/app.css" in assets
    assert "/static/js/sw.js" not in assets and "/static/icons/icon-512.png" not in assets
    assert version == offline.source(cached=False).split('"')[1]


def test_every_precached_file_exists(client):
    for url in offline.asset_urls():
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_manifest_makes_the_app_installable(client):
    with client.get("/static/manifest.webmanifest") as response:
        assert response.mimetype == "application/manifest+json"
        manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200


@pytest.mark.parametrize("path", ["/static/js/capture.js", "/static/css/app.css", "/login"])
def test_text_is_sent_compressed(client, path):
    with client.get(path, headers={"Accept-Encoding": "br, gzip"}) as response:
        assert response.headers["Content-Encoding"] in ("br", "gzip")


@pytest.mark.parametrize("page", ["", "start", "session"])
def test_capture_pages_carry_their_data_and_no_inline_script(fieldworker, page):
    html = fieldworker.get(f"/studies/demo/field/{page}").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="module" src=' in tag or 'type="application/json"' in tag, tag
    data = json.loads(
        re.search(
            r'<script type="application/json" id="capture-data">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["study"]["slug"] == "demo" and data["user"] > 0
    assert data["codebook"] == {"version": 1}, "the buttons show the codebook; not the JSON"
    assert {site["name"] for site in data["sites"]} >= {"Wijkpark Cromvliet"}
    strings = json.loads(
        re.search(
            r'<script type="application/json" id="field-strings">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert strings["saved"] == "Alles opgeslagen"


def test_session_screen_offers_every_code_of_the_codebook(fieldworker):
    html = fieldworker.get("/studies/demo/field/session").get_data(as_text=True)
    assert html.count('data-cell="') == 5 * 3, "age × gender"
    for code in ("eye_contact", "friction", "visitor_trader", "acquaintances"):
        assert f'data-value="{code}"' in html
    for flag in ("across_ages", "different_company", "via_object"):
        assert f'data-flag="{flag}"' in html
    assert html.count('data-category="activity"') == 12


def test_capture_screens_speak_english_too(app, fieldworker):
    from observations.extensions import db
    from observations.models import User

    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="fieldworker")).locale = "en"
        db.session.commit()
    html = fieldworker.get("/studies/demo/field/session").get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in (
        "Save the scan",
        "Encounter type",
        "End the session",
        "All saved",
        "strangers",
        "Can't tell",
    ):
        assert text in html, text
    start = fieldworker.get("/studies/demo/field/start").get_data(as_text=True)
    assert "Start the session" in start and "light rain" in start
