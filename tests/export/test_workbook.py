"""The Excel workbook, read back with openpyxl: complete, typed, safe, never truncated."""

import re
import zipfile
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import current_app
from openpyxl import load_workbook
from xlsxwriter.utility import _datetime_to_excel_datetime

from observations.export import ExportOptions, export
from observations.export.source import StudyData
from observations.extensions import db
from observations.models import (
    Encounter,
    FieldNote,
    PasserCount,
    Review,
    ScanCondition,
    ScanCount,
    Session,
    Site,
)
from observations.sync import sync_records

SHEETS = [
    "About",
    "Codebook",
    "Sites",
    "Sessions",
    "Scans",
    "Passers-by",
    "Encounters",
    "Notes",
    "Summary",
]


# Exports of the demo (40,000 rows) are the slow part of these tests: an export already made
# with the same options, of the same data, is opened again instead of made again.
_made: dict[tuple, tuple] = {}
_opened: dict[tuple, object] = {}


def data_version() -> tuple:
    """What the export's content depends on: the module's app, and the rows and newest ids
    of every exported table, counted in the test's own transaction (flushed rows count).
    Tests that change values in place (corrections) must not rely on it: none here does.
    """
    tables = (Session, ScanCount, ScanCondition, Encounter, FieldNote, Review, PasserCount)
    keys = [sa.inspect(table).primary_key[0] for table in tables]
    rows = [db.session.execute(sa.select(sa.func.count(), sa.func.max(key))).one() for key in keys]
    return current_app.config["INSTANCE_PATH"], *(tuple(row) for row in rows)


def workbook(study, tmp_path, full=False, **options):
    """Export with the options and open the result (read-only unless layout is checked)."""
    key = (study.id, data_version(), tuple(sorted((k, repr(v)) for k, v in options.items())))
    if key not in _made or not _made[key][0].exists():
        path = tmp_path / "export.xlsx"
        _made[key] = path, export(study, ExportOptions(**options), str(path))
    path, counts = _made[key]
    if not full:
        return load_workbook(path, read_only=True), dict(counts)
    if (key, path) not in _opened:  # a full load takes seconds; the tests only read it
        _opened.clear()
        _opened[key, path] = load_workbook(path)
    return _opened[key, path], dict(counts)


def about_counts(book) -> dict[str, int]:
    """The row counts the About sheet states."""
    rows = list(book["About"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] in ("Rijen per werkblad", "Rows per sheet"))
    return {name: number for name, number in rows[start + 1 :]}


def records(book, sheet: str) -> list[dict]:
    """A data sheet as dictionaries keyed by header."""
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_every_sheet_is_there_with_header_freeze_and_filter(study, tmp_path):
    book, counts = workbook(study, tmp_path, full=True)
    assert book.sheetnames == SHEETS
    for name in SHEETS[1:-1]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert (
            sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}"
            f"{max(sheet.max_row, 2)}"
        ), name
        assert all(cell.value for cell in sheet[1]), f"{name}: every column has a header"
        assert sheet.column_dimensions["A"].width > 5
    assert counts["Encounters"] > 500 and counts["Scans"] > 5000


def test_about_counts_equal_the_rows(study, tmp_path):
    book, counts = workbook(study, tmp_path)
    stated = about_counts(book)
    assert stated == counts
    for name, number in stated.items():
        assert sum(1 for _ in book[name].iter_rows(min_row=2)) == number, name


def test_counts_equal_the_database(study, tmp_path):
    _book, counts = workbook(study, tmp_path)

    def total(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    assert counts["Sessions"] == total(Session, Session.retracted.is_(False))
    assert counts["Encounters"] == total(Encounter, Encounter.retracted.is_(False))
    assert counts["Notes"] == total(FieldNote)
    assert counts["Scans"] == total(ScanCount) + total(ScanCondition)
    assert counts["Passers-by"] == total(PasserCount, PasserCount.retracted.is_(False)) > 300


def test_cells_are_typed(study, tmp_path):
    book, _ = workbook(study, tmp_path, full=True)
    session = records(book, "Sessions")[0]
    assert isinstance(session["session_id"], int)
    assert isinstance(session["start"], datetime) and isinstance(session["end"], datetime)
    assert session["end"] > session["start"]
    assert isinstance(session["scans"], int) and isinstance(session["minutes"], int | float)
    scan = records(book, "Scans")[0]
    assert isinstance(scan["count"], int) and isinstance(scan["time"], datetime)
    assert book["Sessions"]["G2"].number_format == "yyyy-mm-dd hh:mm"
    encounter = records(book, "Encounters")[0]
    assert encounter["flag_across_ages"] in (0, 1)
    assert encounter["note"] is None or isinstance(encounter["note"], str), "empty stays empty"
    # Every record keeps its own id, so a lead can point a coordinator at it.
    for sheet, key in (("Encounters", "encounter_id"), ("Notes", "note_id"), ("Scans", "scan_id")):
        ids = [row[key] for row in records(book, sheet)]
        assert all(isinstance(i, int) for i in ids), sheet
    ids = [row["encounter_id"] for row in records(book, "Encounters")]
    assert len(set(ids)) == len(ids)


def test_times_are_local_time(study, tmp_path):
    book, _ = workbook(study, tmp_path)
    stored = db.session.scalar(sa.select(Session).order_by(Session.started_at))
    first = records(book, "Sessions")[0]
    local = stored.started_at.astimezone(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
    assert first["start"] == local.replace(microsecond=local.microsecond // 1000 * 1000)


def test_observers_appear_by_code_never_by_name(study, tmp_path):
    book, _ = workbook(study, tmp_path)
    text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    for name in ("Fatima", "Bram", "fieldworker", "Lieke"):
        assert name not in text
    observers = {r["observer"] for r in records(book, "Encounters")}
    assert {"W01", "W02"} <= observers
    assert all(re.fullmatch(r"W\d\d", code) for code in observers)


@pytest.mark.parametrize(
    ("labels", "expected"), [("nl", "groet"), ("en", "greeting"), ("codes", "greeting")]
)
def test_labels_in_dutch_english_or_codes(study, tmp_path, labels, expected):
    book, _ = workbook(study, tmp_path, labels=labels)
    types = {r["encounter_type"] for r in records(book, "Encounters")}
    assert expected in types
    relation = {r["relation"] for r in records(book, "Encounters")}
    assert {"nl": "onbekenden", "en": "strangers", "codes": "strangers"}[labels] in relation


def test_filters_by_site_period_observer_and_review(study, tmp_path):
    park = db.session.scalar(sa.select(Site).filter_by(name="Wijkpark Cromvliet"))
    book, _ = workbook(study, tmp_path, sites=[park.id])
    assert {r["site"] for r in records(book, "Sessions")} == {"Wijkpark Cromvliet"}
    assert {r["site"] for r in records(book, "Encounters")} == {"Wijkpark Cromvliet"}
    first = min(r["start"] for r in records(book, "Sessions"))
    book, _ = workbook(study, tmp_path, date_from=first.date(), date_to=first.date())
    assert {r["start"].date() for r in records(book, "Sessions")} == {first.date()}
    fieldworker = db.session.scalar(sa.text("SELECT id FROM users WHERE username='fieldworker'"))
    book, _ = workbook(study, tmp_path, observers=[fieldworker])
    assert {r["observer"] for r in records(book, "Sessions")} == {"W01"}
    book, _ = workbook(study, tmp_path, review_states=["approved"], labels="codes")
    assert {r["review"] for r in records(book, "Sessions")} == {"approved"}
    book, counts = workbook(study, tmp_path, date_from=date(2000, 1, 1), date_to=date(2000, 1, 2))
    assert counts["Sessions"] == counts["Encounters"] == 0
    assert book.sheetnames == SHEETS


FORMULAS = [
    "=SUM(A1:A9)",
    "+31 6 1234",
    "-rustig begin",
    "@werk",
    "\tingesprongen",
    '=HYPERLINK("http://x")',
]


# The day of note_records' session, before the demo's fieldwork: an export of it is small.
NOTES_DAY = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 1)}


def note_records(study, texts: list[str]) -> None:
    """Field notes with the given texts in a new session of the demo fieldworker."""
    import uuid

    user = db.session.scalar(sa.text("SELECT id FROM users WHERE username='fieldworker'"))
    from observations.models import User

    owner = db.session.get(User, user)
    site = db.session.scalar(sa.select(Site).filter_by(name="Nieuwe Bibliotheek Almere"))
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": "demo",
        "site": site.id,
        "zones": [site.zones[0].id],
        "started_at": "2026-05-01T10:00:00+02:00",
        "ended_at": "2026-05-01T11:00:00+02:00",
    }
    notes = [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "note",
            "session": session["uuid"],
            "written_at": "2026-05-01T10:30:00+02:00",
            "text": text,
        }
        for text in texts
    ]
    results = sync_records(owner, [session, *notes])
    assert {r["status"] for r in results} == {"created"}, results


def test_a_full_sheet_continues_on_numbered_sheets(study, tmp_path):
    book, counts = workbook(study, tmp_path, row_limit=500)
    scans = [n for n in book.sheetnames if n.startswith("Scans")]
    assert scans[:3] == ["Scans", "Scans 2", "Scans 3"]
    sizes = [sum(1 for _ in book[n].iter_rows(min_row=2)) for n in scans]
    assert all(size == 500 for size in sizes[:-1]) and 0 < sizes[-1] <= 500
    assert sum(sizes) == db.session.scalar(
        sa.select(sa.func.count()).select_from(ScanCount)
    ) + db.session.scalar(sa.select(sa.func.count()).select_from(ScanCondition))
    assert about_counts(book) == counts
    order = book.sheetnames
    assert order.index("Scans 2") == order.index("Scans") + 1, "continuations follow"
    assert next(book[scans[-1]].iter_rows(values_only=True))[0] == "session_id", "header"


def test_summary_has_tables_and_native_charts(study, tmp_path):
    book, _ = workbook(study, tmp_path, full=True)
    summary = book["Summary"]
    assert len(summary._charts) >= 2
    values = [row for row in summary.iter_rows(values_only=True) if any(row)]
    sites = {row[0] for row in values}
    assert {"Nieuwe Bibliotheek Almere", "Wijkpark Cromvliet"} <= sites
    overview = next(i for i, r in enumerate(values) if r[0] == "Locatie")
    first_site = values[overview + 1]
    assert isinstance(first_site[1], int) and first_site[4] > 0, "encounters per hour"
    staying = next(i for i, r in enumerate(values) if str(r[0]).startswith("Verblijfsratio"))
    lines = values[staying + 2 : staying + 7]
    assert len({r[0] for r in lines}) == len({r[1] for r in lines}) == 5, "a line per site"
    assert all(0 < r[8] < 1 for r in lines), "people staying per scan ÷ passers per hour"


def test_encounter_times_are_the_stored_times_in_local_time(study, tmp_path):
    book, _ = workbook(study, tmp_path)
    zone = ZoneInfo("Europe/Amsterdam")
    stored = sorted(
        db.session.scalars(
            sa.select(Encounter.occurred_at).where(Encounter.retracted.is_(False))
        ).all()
    )
    written = sorted(row["time"] for row in records(book, "Encounters"))
    expected = [
        (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(zone).replace(tzinfo=None)
        for t in stored
    ]
    assert len(written) == len(expected)
    assert all(abs(w - e).total_seconds() < 0.001 for w, e in zip(written, expected, strict=True))


@pytest.mark.parametrize(
    "utc",
    [
        "2026-03-29 00:59:59.500000",  # the last winter second (CET)
        "2026-03-29 01:00:00.000000",  # the first summer second (CEST)
        "2026-10-25 00:30:00.000000",  # 02:30 in summer time…
        "2026-10-25 01:30:00.000000",  # …and 02:30 again in winter time
        "2026-06-01 12:34:56",
    ],
)
def test_excel_serials_follow_daylight_saving_time(study, utc):
    data = StudyData(study, ExportOptions())
    moment = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    local = data.local(moment)
    expected = _datetime_to_excel_datetime(local, False, False)
    assert data.excel_time(utc) == pytest.approx(expected, abs=1e-9)
    assert data.excel_time(moment) == pytest.approx(expected, abs=1e-9)
    assert data.excel_time(None) is None


def test_excel_serials_stay_right_through_a_night_with_a_clock_change(study):
    text_stream, aware_stream = StudyData(study, ExportOptions()), StudyData(study, ExportOptions())
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    for step in range(16):  # every 17 minutes, 23:00–03:15 UTC, as one stream would
        moment = start + step * (datetime(2026, 1, 1, 0, 17) - datetime(2026, 1, 1))
        text = moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        local = moment.astimezone(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
        expected = _datetime_to_excel_datetime(local, False, False)
        assert text_stream.excel_time(text) == pytest.approx(expected, abs=1e-9), text
        # PostgreSQL's driver gives aware times, in whatever zone the connection uses.
        shown = moment.astimezone(ZoneInfo("America/New_York"))
        assert aware_stream.excel_time(shown) == pytest.approx(expected, abs=1e-9), text


# The two tests below add notes to the module's demo: last, so that the tests above share
# one export of the unchanged demo.
def test_formula_like_text_stays_text(study, tmp_path):
    note_records(study, FORMULAS)
    book, _ = workbook(study, tmp_path, full=True, **NOTES_DAY)
    texts = [r["text"] for r in records(book, "Notes")]
    for formula in FORMULAS:
        assert formula.strip() in texts or formula in texts
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"


def test_no_formula_in_the_raw_file(study, tmp_path):
    note_records(study, FORMULAS)
    path = tmp_path / "raw.xlsx"
    export(study, ExportOptions(**NOTES_DAY), str(path))
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
