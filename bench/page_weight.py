"""Bytes over the wire for the session screen in Chromium: cold (a new phone) and warm.

Cold: a phone that never opened Terloops, logged in, opens the session screen. Warm: the
same phone opens it again once the service worker has cached the app. The floor, measured
in the same run, is the cold login page (the smallest page of the app: HTML and CSS).
The service worker's one-time precache is reported separately.

    python bench/page_weight.py

Last line: `cold_bytes=C warm_bytes=W floor_bytes=F ratio=R` (R = C / F).
"""

import logging
import re
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from observations import create_app, demo, offline
from observations.extensions import db

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serve(tmp: str):
    """The app with the demo study on a free local port."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": tmp,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        demo.create_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


class Meter:
    """Counts the bytes a page receives from the network (not from its service worker)."""

    def __init__(self, context, page):
        self.bytes = 0
        self.requests = []
        self.from_worker = set()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.on("Network.responseReceived", self.response)
        cdp.on("Network.loadingFinished", self.finished)

    def response(self, event):
        """Remember which answers came from the service worker's cache."""
        if event["response"].get("fromServiceWorker"):
            self.from_worker.add(event["requestId"])
        self.requests.append((event["requestId"], event["response"]["url"]))

    def finished(self, event):
        """Add what crossed the network."""
        if event["requestId"] not in self.from_worker:
            self.bytes += int(event["encodedDataLength"])

    def reset(self):
        """Start counting afresh."""
        self.bytes, self.requests, self.from_worker = 0, [], set()


def log_in(page, base: str, username: str) -> None:
    """Log in through the form."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", demo.DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def log_in_without_pages(context, base: str, username: str) -> None:
    """Get the login cookie over HTTP alone, so that no page is loaded or cached."""
    form = context.request.get(base + "/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    context.request.post(
        base + "/login",
        form={"csrf_token": token, "username": username, "password": demo.DEFAULT_PASSWORD},
    )


def main() -> None:
    """Measure the floor, the cold and the warm session screen, and print them."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve(tmp)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        phone = playwright.devices["Pixel 5"]

        context = browser.new_context(**phone)
        page = context.new_page()
        meter = Meter(context, page)
        page.goto(base + "/login")
        page.wait_for_load_state("networkidle")
        floor = meter.bytes
        context.close()

        context = browser.new_context(**phone, service_workers="block")
        page = context.new_page()
        log_in(page, base, "fieldworker")
        page.goto(base + "/studies/demo/field/start")
        page.select_option("#site", index=1)
        page.click("#start-form button[type=submit]")
        page.wait_for_url("**/session#*")
        session_url = page.url
        page.wait_for_load_state("networkidle")
        context.close()

        # Cold: a new phone (empty caches, no service worker yet), already logged in.
        context = browser.new_context(**phone)
        page = context.new_page()
        log_in_without_pages(context, base, "fieldworker")
        meter = Meter(context, page)
        page.goto(session_url)
        page.wait_for_selector("#capture:not([hidden])")
        page.wait_for_load_state("networkidle")
        cold, cold_requests = meter.bytes, len(meter.requests)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(1000)

        # Warm: open it again; the service worker answers from its caches.
        meter.reset()
        page.goto(base + "/studies/demo/field/")
        page.goto(session_url)
        page.wait_for_selector("#capture:not([hidden])")
        page.wait_for_load_state("networkidle")
        meter.reset()
        page.reload()
        page.wait_for_selector("#capture:not([hidden])")
        page.wait_for_load_state("networkidle")
        warm = meter.bytes
        network = [url for rid, url in meter.requests if rid not in meter.from_worker]
        context.close()
        browser.close()
        server.shutdown()

    precache = sum(len(_compressed(url)) for url in offline.asset_urls())
    print(f"floor: login page cold, {floor} bytes")
    print(f"session screen cold: {cold} bytes in {cold_requests} responses (goal <= 61440)")
    print(f"session screen warm: {warm} bytes over the network {network or ''}")
    print(f"service worker precache, once per release: about {precache} bytes compressed")
    print(f"cold_bytes={cold} warm_bytes={warm} floor_bytes={floor} ratio={cold / floor:.2f}")


def _compressed(url: str) -> bytes:
    """A static file as brotli sends it (an estimate of its transfer size)."""
    import brotli

    path = Path(__file__).resolve().parents[1] / url.lstrip("/")
    return brotli.compress(path.read_bytes(), quality=4)


if __name__ == "__main__":
    main()
