"""Hostile strings through every text field, then every page and every export checked.

Each string of hostile.py goes through every field of hostile_fields.py by the route its
user takes; it is stored exactly (and shown back) or refused with a message in Dutch, and
nothing else typed is lost. Then every GET page of every actor (from the route table, so new
pages are covered without editing this file) is served with the strings in the database:
no server error, nothing hostile unescaped, no template evaluated; a real browser (with the
content security policy bypassed, so that it cannot hide an injection) runs no string.
Finally every export format holds the strings as text: no formula, nothing cut.
"""

import csv
import io
import re
import threading
import time
import traceback
import zipfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from observations.extensions import db
from observations.models import ExportPreset, Study, User
from observations.text import rule_of
from tests.access import world as worlds
from tests.access.expectations import ROWS
from tests.access.hostile import (
    ACCEPTABLE,
    BY_MARKER,
    STRINGS,
    html_problems,
    json_problems,
    shown,
)
from tests.access.hostile_fields import (
    Bench,
    Outcome,
    encounter,
    export_url,
    fields,
    note,
    queue_file,
    queue_url,
)
from tests.access.rows import FORBIDDEN, NOT_FOUND, OK, url_of
from tests.access.world import ACTORS
from tests.browser.conftest import log_in
from tests.conftest import csrf_token, empty_database, make_app
from tests.factories import PASSWORD

# Many failed logins on purpose: the throttle (tested elsewhere) must not answer 429 here.
SETTINGS = {"LOGIN_LIMITS": "10000 per minute", "LOGIN_USER_LIMITS": "10000 per hour"}
FIELDS = fields(Path("."))
# A spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The fields whose stored texts an export of study A must hold, and the sheet they are on.
EXPORTED = {
    "sync: note text": "Notes",
    "queue upload: records of the file": "Notes",
    "sync: encounter's short note": "Encounters",
    "command line: import-pldp place name": "Sites",
}
# The strings a display name can hold: each actor takes one, so that every page shows one.
NAME_LENGTH = rule_of(User.display_name).longest
ONE_LINE = [
    h
    for h in ACCEPTABLE
    if not h.multiline and not h.leading_control and len(h.stored) <= NAME_LENGTH
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The access world with every hostile string sent through every field."""
    app = make_app(tmp_path_factory.mktemp("hostile"), **SETTINGS)
    with app.app_context():
        db.create_all()
    with app.test_request_context():
        world = worlds.build()
    bench = Bench(app, world)
    started = time.perf_counter()
    files = tmp_path_factory.mktemp("pldp")
    for spec in fields(files):
        for hostile in STRINGS:
            try:
                outcome = spec.plant(bench, hostile)
            except Exception as error:  # a server error propagates from the test client
                where = traceback.extract_tb(error.__traceback__)[-1]
                outcome = Outcome("error")
                outcome.fail(f"raised {error!r} at {where.filename}:{where.lineno}")
            bench.results[(spec.name, hostile.marker)] = outcome
    bench.names = _give_everyone_a_hostile_name(bench)
    bench.planting_seconds = time.perf_counter() - started
    yield bench
    empty_database(app)


def _give_everyone_a_hostile_name(bench) -> dict[str, str]:
    """Each actor names themself with another hostile string, so every page shows one."""
    names = {}
    for index, actor in enumerate(a for a in ACTORS if a != "anonymous"):
        hostile = ONE_LINE[index % len(ONE_LINE)]
        answer = bench.post(actor, "/account", {"display_name": hostile.value, "locale": "nl"})
        assert answer.status_code == 302, f"{actor} could not take the name {hostile.marker}"
        names[actor] = hostile.stored
    return names


# -- 1. every field ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FIELDS, ids=lambda spec: spec.name)
def test_each_string_is_stored_exactly_or_refused_with_a_message(planted, spec):
    wrong = []
    for hostile in STRINGS:
        outcome = planted.results[(spec.name, hostile.marker)]
        allowed = spec.allowed(hostile)
        if outcome.kind not in allowed:
            wrong.append(
                f"{hostile.marker} ({hostile.about}): {outcome.kind or '?'}, "
                f"expected {' or '.join(sorted(allowed))}"
            )
        wrong += [f"{hostile.marker} ({hostile.about}): {p}" for p in outcome.problems]
    assert not wrong, f"{spec.name}:\n  " + "\n  ".join(wrong)


def test_the_combinations_were_all_tried(planted):
    kinds = {}
    for outcome in planted.results.values():
        kinds[outcome.kind] = kinds.get(outcome.kind, 0) + 1
    print(
        f"\n{len(FIELDS)} fields × {len(STRINGS)} strings = {len(planted.results)} combinations "
        f"in {planted.planting_seconds:.1f} s: {kinds}"
    )
    assert len(planted.results) == len(FIELDS) * len(STRINGS)


@pytest.mark.parametrize(
    "target",
    [
        "/x\r\nSet-Cookie: pwned=1",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/%09/evil.example/",
        "/ /evil.example/",
        *(f"/{h.value}" for h in STRINGS if h.marker != "hz15"),
    ],
    ids=lambda target: repr(target[:24]),
)
def test_the_page_to_return_to_never_leaves_the_site(planted, target):
    """?next= after logging in, and the language switch's next: a path on this site or home."""
    client = planted.app.test_client()
    token = _token(client, "/login")
    login = client.post(
        "/login?next=" + quote(target, safe=""),
        data={
            "username": planted.world.usernames["lead_b"],
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    switch = client.post(
        "/language", data={"locale": "nl", "next": target, "csrf_token": _token(client, "/")}
    )
    for answer in (login, switch):
        assert answer.status_code == 302
        location = answer.headers["Location"]
        parts = urlsplit(location)
        assert not parts.scheme and not parts.netloc, location
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert not re.search(r"[\x00-\x20\x7f\\]", location), f"{location!r} is not a clean path"


def _token(client, path: str) -> str:
    """The CSRF token on a page of this client."""
    return csrf_token(client.get(path, follow_redirects=True).get_data(as_text=True))


# -- 2. every page of every role --------------------------------------------------------------


def pages_of(actor: str) -> list[tuple[str, object]]:
    """(outcome, row) of every GET row of the route table, for this actor."""
    return [(row.expect[actor], row) for row in ROWS if row.method == "GET"]


def swept_urls(planted, actor: str) -> list[tuple[str, str]]:
    """(label, URL) of the actor's pages, and each again with a hostile query string."""
    query = "hz=" + quote(BY_MARKER["hz02"].value + BY_MARKER["hz16"].value, safe="")
    urls = []
    for expected, row in pages_of(actor):
        url = url_of(row, planted.world, planted.app.url_map)
        joiner = "&" if "?" in url else "?"
        urls += [(f"{row} ({expected})", url), (f"{row} ({expected}) ?hz", url + joiner + query)]
    if actor == "lead_a":  # each preset (a hostile name) opened in the export form
        for (name, marker), outcome in planted.results.items():
            if name == "export: preset name" and outcome.kind == "stored":
                preset = planted.scalar(select(ExportPreset.id).filter_by(name=outcome.stored))
                urls.append((f"preset {marker}", f"{export_url(planted)}?preset={preset}"))
    return urls


@pytest.fixture(scope="module")
def swept(planted):
    """Every page of every actor, served with the strings in the database."""
    found = {"problems": [], "pages": 0, "html": 0, "seen": set(), "statuses": {}}
    started = time.perf_counter()
    for actor in ACTORS:
        for label, url in swept_urls(planted, actor):
            answer = planted.get(actor, url)
            found["pages"] += 1
            found["statuses"][answer.status_code] = found["statuses"].get(answer.status_code, 0) + 1
            where = f"{actor}: {label} {url[:80]}"
            if answer.status_code >= 500:
                found["problems"].append(f"{where}: HTTP {answer.status_code}")
                continue
            kind, body = answer.content_type or "", answer.get_data()
            if "text/html" in kind:
                found["html"] += 1
                page = body.decode("utf-8")
                found["problems"] += [f"{where}: {p}" for p in html_problems(page)]
                found["seen"] |= {h.marker for h in ACCEPTABLE if shown(h.stored) in page}
            elif "json" in kind:
                found["problems"] += [f"{where}: {p}" for p in json_problems(body)]
    found["seconds"] = time.perf_counter() - started
    return found


def test_every_page_of_every_role_serves_the_strings_as_text(swept):
    print(
        f"\n{swept['pages']} answers ({swept['html']} HTML pages) for {len(ACTORS)} actors "
        f"in {swept['seconds']:.1f} s; statuses {swept['statuses']}"
    )
    assert not swept["problems"], "Hostile strings not served as text:\n  " + "\n  ".join(
        swept["problems"]
    )


def test_the_pages_did_show_the_strings(planted, swept):
    names = {h.marker for h in ONE_LINE}
    assert names <= swept["seen"], f"never shown on a page: {sorted(names - swept['seen'])}"


def test_the_sweep_covers_every_get_route_of_the_table(planted):
    """Every GET row, for every actor: a new page with a row is swept without editing this file."""
    rows = {str(row) for row in ROWS if row.method == "GET"}
    for actor in ACTORS:
        swept_rows = {label.split(" (")[0] for label, _ in swept_urls(planted, actor)}
        assert rows <= swept_rows, actor
    outcomes = {expected for actor in ACTORS for expected, _row in pages_of(actor)}
    assert {OK, FORBIDDEN, NOT_FOUND} <= outcomes, "the pages include refusals (403 and 404)"


# -- 3. every export format -------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(planted):
    """Study A exported by its lead in every format through the export page."""
    files = {}
    for file_format in ("xlsx", "csv", "pldp"):
        answer = planted.post(
            "lead_a", export_url(planted), {"format": file_format, "labels": "nl", "export": "1"}
        )
        assert answer.status_code == 200, f"{file_format}: HTTP {answer.status_code}"
        files[file_format] = answer.get_data()
        answer.close()
    return files


@pytest.fixture(scope="module")
def named_exports(planted):
    """Each study the admin named with a hostile string, exported with the command line."""
    made = {}
    folder = Path(planted.app.instance_path)
    for (name, marker), outcome in planted.results.items():
        if name != "admin: new study's name" or outcome.kind != "stored":
            continue
        slug = planted.scalar(select(Study.slug).filter_by(name=outcome.stored))
        for file_format in ("xlsx", "csv"):
            out = folder / f"{slug}.{'zip' if file_format == 'csv' else 'xlsx'}"
            result = planted.cli("export", slug, "--out", str(out), "--format", file_format)
            assert result.exit_code == 0, result.output
            made[(marker, file_format)] = (outcome.stored, out.read_bytes())
    return made


def exported_texts(planted) -> dict[str, list[str]]:
    """{sheet: the stored hostile texts it must hold}."""
    texts: dict[str, list[str]] = {}
    for (name, _marker), outcome in planted.results.items():
        if name in EXPORTED and outcome.kind == "stored":
            texts.setdefault(EXPORTED[name], []).append(outcome.stored)
    return texts


def workbook_cells(content: bytes) -> dict[str, list]:
    """{sheet: its cells}, after checking the file's XML holds no formula and no link."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert not re.search(r"<f[ >]", xml), f"{name} holds a formula"
                assert "<hyperlink" not in xml, f"{name} holds a link"
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [c for row in sheet.iter_rows() for c in row] for sheet in book}


def cell_text(value):
    """A cell's text as Excel reads it: OOXML writes a CR as _x000D_, which openpyxl keeps."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def assert_no_formula(cells) -> None:
    """No cell is a formula: not by type, not as text Excel would run."""
    for cell in cells:
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str) and cell.value.startswith("="):
            assert cell.data_type in ("s", "inlineStr"), (cell.coordinate, cell.data_type)


def test_the_workbook_holds_the_strings_as_text(planted, exports):
    sheets = workbook_cells(exports["xlsx"])
    for cells in sheets.values():
        assert_no_formula(cells)
    for sheet, texts in exported_texts(planted).items():
        values = {cell_text(c.value) for c in sheets[sheet] if isinstance(c.value, str)}
        missing = [t[:60] for t in texts if t not in values]
        assert not missing, f"{sheet}: not exactly in the workbook: {missing}"
    assert exported_texts(planted)["Notes"], "no hostile note was exported"


def csv_cells(content: bytes) -> dict[str, list[list[str]]]:
    """{member: rows} of a CSV zip, each member read as UTF-8 with its BOM."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.reader(io.StringIO(read_bom(archive.read(name)))))
            for name in archive.namelist()
        }


def read_bom(raw: bytes) -> str:
    """CSV text that starts with the UTF-8 BOM the export promises (Excel needs it)."""
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    return raw.decode("utf-8-sig")


def defused(value: str) -> str:
    """A text as a CSV cell holds it: formula-like text behind a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def formula_cells(rows) -> list[str]:
    """Cells a spreadsheet would run as a formula (a plain number may start with -)."""
    wrong = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                try:
                    float(cell)
                except ValueError:
                    wrong.append(cell[:60])
    return wrong


def test_the_csv_files_hold_the_strings_as_text(planted, exports):
    members = csv_cells(exports["csv"])
    for name, rows in members.items():
        assert not formula_cells(rows), f"{name}.csv: formula-like cells {formula_cells(rows)}"
    for sheet, texts in exported_texts(planted).items():
        cells = {cell for row in members[sheet] for cell in row}
        missing = [t[:60] for t in texts if defused(t) not in cells]
        assert not missing, f"{sheet}.csv: not exactly in the file: {missing}"


def test_the_pldp_table_holds_the_place_names_as_text(planted, exports):
    rows = list(csv.reader(io.StringIO(read_bom(exports["pldp"]))))
    assert not formula_cells(rows), f"formula-like cells: {formula_cells(rows)}"
    cells = {cell for row in rows for cell in row}
    places = exported_texts(planted)["Sites"]
    assert places, "no hostile place name was imported"
    missing = [p[:60] for p in places if defused(p) not in cells]
    assert not missing, f"place names not exactly in the PLDP table: {missing}"


def test_the_about_sheet_names_each_hostile_study_as_text(named_exports):
    assert named_exports, "the admin stored no hostile study name"
    for (marker, file_format), (name, content) in named_exports.items():
        if file_format == "xlsx":
            sheets = workbook_cells(content)
            for cells in sheets.values():
                assert_no_formula(cells)
            names = {cell_text(c.value) for c in sheets["About"]}
            assert name in names, f"{marker}: the study's name is not in About"
        else:
            members = csv_cells(content)
            for member, rows in members.items():
                assert not formula_cells(rows), f"{marker} {member}: {formula_cells(rows)}"
            assert defused(name) in {c for row in members["About"] for c in row}, marker


# -- 4. in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(planted):
    """The planted app on a free local port."""
    httpd = make_server("127.0.0.1", 0, planted.app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_port}"
    yield httpd
    httpd.shutdown()
    thread.join()


# What shows that a page's scripts have drawn it (as in test_page_sweep.py).
READY = {
    "field.index": "[data-sync-status][data-phase]",
    "field.start": "[data-sync-status][data-phase]",
    "field.session": "#loading[hidden]",
}
BROWSED = ("fieldworker_a", "lead_a", "coordinator_a", "admin")


def pwned(page) -> object:
    """What the hostile strings set if any of them ran (None: nothing ran)."""
    return page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")


@pytest.mark.browser
@pytest.mark.filterwarnings(
    "ignore:unclosed file <_io.BufferedReader name='[^']*/static/:ResourceWarning"
)
def test_no_string_runs_in_a_browser(planted, served, browser, playwright):
    ran, visited = [], 0
    for actor in BROWSED:
        context = browser.new_context(
            **playwright.devices["Pixel 5"],
            locale="nl-NL",
            bypass_csp=True,  # the policy would block an injected script; nothing may need it
            service_workers="block",
        )
        page = context.new_page()
        log_in(page, served, planted.world.usernames[actor], PASSWORD)
        page.wait_for_url(lambda url: "/login" not in url)
        for label, url in swept_urls(planted, actor):
            if "(OK)" not in label and not label.startswith("preset"):
                continue
            answer = context.request.get(served.url + url, max_redirects=0)
            if answer.status != 200 or "text/html" not in answer.headers["content-type"]:
                continue  # a redirect (its target has a row), a download or JSON
            page.goto(served.url + url)
            endpoint = label.split(" ")[0]
            if endpoint in READY:
                expect(page.locator(READY[endpoint]).first).to_be_attached()
            visited += 1
            if pwned(page) is not None:
                ran.append(f"{actor}: {label} set window.__pwned={pwned(page)}")
        if actor == "fieldworker_a":
            ran += _session_log(page, served, planted)
        if actor == "coordinator_a":
            ran += _queue_report(page, served, planted)
        context.close()
    print(f"\n{visited} pages in Chromium with the CSP bypassed, and two screens")
    assert not ran, "\n".join(ran)


def _session_log(page, served, planted) -> list[str]:
    """A session of hostile notes, continued on this phone: its log lists them as text."""
    world = planted.world
    session, _encounter = worlds.session_records(
        world["study a"], world["site of study a"], world["zones of study a"]
    )
    notes = [note(session["uuid"], h.value) for h in ACCEPTABLE]
    answer = planted.sync("fieldworker_a", [session, *notes])
    assert {r["status"] for r in answer.get_json()["results"]} == {"created"}
    open_session(page, served, planted, session["uuid"])
    page.locator("#tab-log").click()
    log = page.locator("#panel-log")
    for hostile in ACCEPTABLE:
        # The log shows a note's first 60 characters (UTF-16 units), as text.
        expect(log).to_contain_text(" ".join(hostile.stored.split())[:40])
    value = pwned(page)
    return [] if value is None else [f"the session log set window.__pwned={value}"]


def open_session(page, served, planted, session: str) -> None:
    """Open a session screen by its URL, as a link from another device would."""
    page.goto("about:blank")  # from the session screen, a new hash alone would load nothing
    page.goto(f"{served.url}/studies/{planted.world['study a']}/field/session#{session}")
    expect(page.locator("#capture")).to_be_visible()


def _queue_report(page, served, planted) -> list[str]:
    """A queue file with a hostile name and hostile codes, uploaded with the form."""
    session = planted.world["session of fieldworker_a"]
    records = [encounter(session, relation=h.value) for h in ACCEPTABLE if len(h.value) <= 40]
    page.goto(served.url + queue_url(planted))
    page.get_by_label("Wachtrijbestand", exact=True).set_input_files(
        {
            "name": BY_MARKER["hz02"].value + ".json",
            "mimeType": "application/json",
            "buffer": queue_file(records),
        }
    )
    fieldworker = str(planted.user_id("fieldworker_a"))
    page.get_by_label("Van wie zijn deze records?").select_option(value=fieldworker)
    page.get_by_role("button", name="Uploaden en opslaan").click()
    report = page.locator("#report-heading")
    expect(report).to_be_visible()
    for record in records:
        expect(page.locator(".record-list")).to_contain_text(record["uuid"])
    value = pwned(page)
    return [] if value is None else [f"the queue report set window.__pwned={value}"]


# Counts, in the page, the kinds of record written to the phone's "records" store, in order.
WRITES = """(() => {
    const put = IDBObjectStore.prototype.put;
    window.__written = [];
    IDBObjectStore.prototype.put = function (value, key) {
        if (this.name === "records" && value && value.kind) window.__written.push(value.kind);
        return put.call(this, value, key);
    };
})()"""


@pytest.mark.browser
def test_a_session_continued_on_a_phone_is_stored_there_after_its_records(
    planted, served, browser, playwright
):
    """A session from another device is written after its records: a load cut short (the
    hostile notes' session log, reloaded at once, showed 5 of 17 notes) keeps no half session."""
    world = planted.world
    session, _encounter = worlds.session_records(
        world["study a"], world["site of study a"], world["zones of study a"]
    )
    notes = [note(session["uuid"], h.value) for h in ACCEPTABLE[:4]]
    answer = planted.sync("fieldworker_a2", [session, *notes])
    assert {r["status"] for r in answer.get_json()["results"]} == {"created"}
    context = browser.new_context(**playwright.devices["Pixel 5"], service_workers="block")
    context.add_init_script(script=WRITES)
    page = context.new_page()
    log_in(page, served, world.usernames["fieldworker_a2"], PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_session(page, served, planted, session["uuid"])
    written = page.evaluate("() => window.__written")
    context.close()
    assert written == ["note"] * len(notes) + ["session"]
