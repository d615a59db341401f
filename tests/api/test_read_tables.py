"""What the tables hold: the workbook's columns and labels, filtered by site and local day,
and the same rows as CSV as in the JSON pages."""

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from observations.export import ExportOptions, export
from observations.export.csvzip import csv_text
from observations.export.tables import read_all, read_page
from observations.extensions import db
from observations.models import Site, Study
from observations.sync import sync_records
from tests.api.conftest import local, observe, user, walk
from tests.conftest import bearer

TABLES = ("sessions", "scans", "encounters", "notes", "passers", "sites", "codebook")
SHEETS = {t: t.title() for t in TABLES} | {"passers": "Passers-by"}


def csv_rows(client, url: str, token: str) -> tuple[list[str], list[list[str]], object]:
    """The header and rows of a CSV answer, and the answer."""
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM, so that Excel reads UTF-8"
    header, *rows = csv.reader(io.StringIO(text[1:]))
    return header, rows, response


def as_csv(value) -> str:
    """A JSON value as the CSV writes it."""
    return "" if value is None else str(value)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("labels", ["nl", "en", "codes"])
def test_csv_holds_the_same_rows_and_columns_as_the_json(client, observed, table, labels):
    token = observed.tokens["alpha-lead"]
    query = f"labels={labels}&site=Bibliotheek Oost&from=2026-03-01"
    pages = walk(client, f"/api/v1/studies/alpha/{table}?{query}&limit=5", token)
    # The passers' code columns are headed in the labels asked for.
    columns = client.get(
        f"/api/v1/studies/alpha/{table}?labels={labels}", headers=bearer(token)
    ).get_json()
    header, rows, response = csv_rows(
        client, f"/api/v1/studies/alpha/{table}?{query}&format=csv", token
    )
    assert header == [c["name"] for c in columns["columns"]]
    assert rows == [[as_csv(row[name]) for name in header] for row in pages]
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="alpha-{table}.csv"'


def test_csv_is_streamed_in_pieces(client, observed):
    response = client.get(
        "/api/v1/studies/alpha/scans?format=csv",
        headers=bearer(observed.tokens["alpha-lead"]),
        buffered=False,
    )
    assert response.is_streamed
    pieces = list(response.response)
    response.close()
    header, *rows = csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig")))
    assert header[:2] == ["session_id", "scan_id"] and len(rows) == 48


def test_csv_text_comes_in_chunks_that_add_up(app, observed):
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        columns, rows = read_all(study, ExportOptions(), "scans", batch=5)
        pieces = list(csv_text(columns, rows, chunk=500))
    assert len(pieces) > 5 and all(len(piece) < 700 for piece in pieces)
    header, *lines = csv.reader(io.StringIO("".join(pieces).removeprefix("\ufeff")))
    assert header == [column.header for column in columns] and len(lines) == 48


def test_csv_defuses_text_a_spreadsheet_would_run(app, client, observed):
    with app.app_context():
        note = {
            "uuid": "11111111-2222-4333-8444-555555555555",
            "kind": "note",
            "session": observed.sessions[0],
            "written_at": local("2026-03-02", "10:55").isoformat(),
            "text": "=SOM(A1:A9) geteld",
        }
        assert sync_records(user("alpha-fieldworker"), [note])[0]["status"] == "created"
        db.session.commit()
    token = observed.tokens["alpha-lead"]
    data = walk(client, "/api/v1/studies/alpha/notes", token)
    assert "=SOM(A1:A9) geteld" in [row["text"] for row in data]
    header, rows, _ = csv_rows(client, "/api/v1/studies/alpha/notes?format=csv", token)
    assert "'=SOM(A1:A9) geteld" in [row[header.index("text")] for row in rows]


@pytest.mark.parametrize("table", ["sessions", "scans", "encounters", "notes", "passers", "sites"])
def test_rows_are_the_workbooks(app, client, observed, tmp_path, table):
    """The CSV export of the same study: the same rows, and the same columns (the API always
    adds codebook_version, which a workbook of one codebook version leaves out)."""
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        export(study, ExportOptions(format="csv", labels="en"), str(tmp_path / "alpha.zip"))
    with zipfile.ZipFile(tmp_path / "alpha.zip") as archive:
        text = archive.read(f"{SHEETS[table]}.csv").decode("utf-8-sig")
    sheet_header, *sheet_rows = csv.reader(io.StringIO(text))
    header, rows, _ = csv_rows(
        client, f"/api/v1/studies/alpha/{table}?format=csv&labels=en", observed.tokens["root"]
    )
    if table == "sites":
        assert header == sheet_header
    else:
        assert header == [*sheet_header, "codebook_version"]
    assert sorted(row[: len(sheet_header)] for row in rows) == sorted(sheet_rows)


def test_site_filter_takes_ids_and_names(client, observed):
    token, sites = observed.tokens["alpha-lead"], observed.sites

    def site_names(query: str) -> list[str]:
        rows = walk(client, f"/api/v1/studies/alpha/sessions?{query}", token)
        return [row["site"] for row in rows]

    assert site_names("") == ["Bibliotheek Oost", "Markt West", "Bibliotheek Oost"]
    assert site_names(f"site={sites['Markt West']}") == ["Markt West"]
    assert site_names("site=Bibliotheek%20Oost") == ["Bibliotheek Oost"] * 2
    assert site_names(f"site=Markt+West&site={sites['Bibliotheek Oost']}") == site_names("")
    # A site of another study is as unknown as one that does not exist.
    response = client.get(
        f"/api/v1/studies/alpha/scans?site={sites['Buurthuis Beta']}", headers=bearer(token)
    )
    assert response.status_code == 400
    assert response.get_json()["errors"]["site"] == [
        f"Onbekende locatie {sites['Buurthuis Beta']}. Locaties van deze studie: "
        "Bibliotheek Oost, Markt West."
    ]


@pytest.mark.parametrize(
    ("query", "days"),
    [
        ("", ["2026-03-02", "2026-03-03", "2026-03-06"]),
        ("from=2026-03-03", ["2026-03-03", "2026-03-06"]),
        ("to=2026-03-05", ["2026-03-02", "2026-03-03"]),
        ("from=2026-03-06&to=2026-03-06", ["2026-03-06"]),
        ("from=2026-03-03&to=2026-03-03", ["2026-03-03"]),
        ("from=2026-04-01", []),
    ],
)
def test_dates_are_local_days_of_the_sessions_start(client, observed, query, days):
    token = observed.tokens["alpha-lead"]
    sessions = walk(client, f"/api/v1/studies/alpha/sessions?{query}", token)
    assert [row["start"][:10] for row in sessions] == days
    # The session's records follow it, whatever their own time.
    ids = {row["session_id"] for row in sessions}
    for table in ("scans", "encounters", "notes", "passers"):
        rows = walk(client, f"/api/v1/studies/alpha/{table}?{query}", token)
        assert {row["session_id"] for row in rows} == ids


def test_times_are_local(client, observed):
    token = observed.tokens["alpha-lead"]
    sessions = walk(client, "/api/v1/studies/alpha/sessions", token)
    assert [(row["start"], row["end"]) for row in sessions][2] == (
        "2026-03-06 00:30:00",
        "2026-03-06 01:30:00",
    )
    body = client.get("/api/v1/studies/alpha/notes", headers=bearer(token)).get_json()
    assert body["time_zone"] == "Europe/Amsterdam"
    assert body["data"][0]["time"] == "2026-03-02 10:50:00"


@pytest.mark.parametrize(
    ("labels", "encounter", "review", "kind"),
    [
        ("nl", ("groet", "bezoeker–bezoeker", "onbekenden"), "te beoordelen", "bibliotheek"),
        ("en", ("greeting", "visitor–visitor", "strangers"), "awaiting review", "library"),
        ("codes", ("greeting", "visitor_visitor", "strangers"), "pending", "library"),
    ],
)
def test_labels_as_in_the_workbook(client, observed, labels, encounter, review, kind):
    token = observed.tokens["alpha-coordinator"]

    def first(table: str) -> dict:
        response = client.get(
            f"/api/v1/studies/alpha/{table}?labels={labels}&limit=1", headers=bearer(token)
        )
        body = response.get_json()
        assert body["labels"] == labels
        return body["data"][0]

    row = first("encounters")
    assert (row["encounter_type"], row["parties"], row["relation"]) == encounter
    assert row["flag_across_ages"] == 0 and row["observer"] == "W03"  # the study's third member
    assert first("sessions")["review"] == review
    assert first("sites")["site_type"] == kind
    scan = first("scans")
    assert (scan["category"], scan["count"]) == ("activity", 1)
    assert scan["code"] == {"nl": "praten", "en": "conversing", "codes": "conversing"}[labels]


def test_columns_carry_their_types(client, observed):
    body = client.get(
        "/api/v1/studies/alpha/encounters", headers=bearer(observed.tokens["alpha-lead"])
    ).get_json()
    types = {c["name"]: c["type"] for c in body["columns"]}
    assert types["encounter_id"] == "integer" and types["time"] == "datetime"
    assert [name for name in types if name.startswith("flag_")] == [
        "flag_across_ages",
        "flag_different_company",
        "flag_via_object",
    ]
    assert list(body["data"][0]) == list(types), "keys in the columns' order"


def test_walking_all_pages_reads_what_one_page_holds(app, observed):
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        for table in ("sessions", "scans", "encounters", "notes", "passers"):
            options = ExportOptions(labels="codes")
            whole = read_page(study, options, table, None, 10_000)
            columns, rows = read_all(study, options, table, batch=2)
            assert columns == whole.columns
            assert list(rows) == whole.rows and whole.next_after is None


def test_a_session_stored_while_reading_is_found(app, observed):
    """Scans of a session newer than the sheet's look-up of sessions are read, not a KeyError."""
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        _columns, rows = read_all(study, ExportOptions(), "scans", batch=8)
        before = [next(rows) for _ in range(8)]
        west = db.session.get(Site, observed.sites["Markt West"])
        observe(user("alpha-fieldworker"), "alpha", west, local("2026-03-10", "09:00"))
        db.session.commit()
        rest = list(rows)
    assert len(before) + len(rest) == 64
    assert {row[2] for row in rest} == {"Bibliotheek Oost", "Markt West"}


def test_session_flags_are_the_workbooks_on_every_page(app, client, observed, tmp_path):
    with app.test_request_context():
        east = db.session.get(Site, observed.sites["Bibliotheek Oost"])
        # The same observer at the same time as the first session: both are flagged.
        observe(user("alpha-fieldworker"), "alpha", east, local("2026-03-02", "10:15"))
        db.session.commit()
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        export(study, ExportOptions(format="csv", labels="en"), str(tmp_path / "alpha.zip"))
    with zipfile.ZipFile(tmp_path / "alpha.zip") as archive:
        text = archive.read("Sessions.csv").decode("utf-8-sig")
    header, *sheet = csv.reader(io.StringIO(text))
    flags = {int(row[0]): row[header.index("flags")] for row in sheet}
    rows = walk(client, "/api/v1/studies/alpha/sessions?labels=en&limit=1", observed.tokens["root"])
    assert {row["session_id"]: row["flags"] or "" for row in rows} == flags
    assert "overlapping sessions" in flags[1] and "overlapping sessions" in flags[5]
