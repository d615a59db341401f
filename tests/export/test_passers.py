"""The Passers-by sheet (workbook and CSV): one row per people-moving count, its totals the
stored tallies, under the export's filters and labels."""

import csv
import io
import zipfile
from collections import Counter
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import Study
from tests.export import passers_field
from tests.export.passers_field import TOTALS, stored
from tests.export.test_workbook import about_counts, records

SHEET = "Passers-by"
CATEGORIES = ("mode", "gender", "age", "group")


@pytest.fixture
def counted(app):
    """The study of passers_field, with a request context held for the test."""
    with app.test_request_context():
        built = passers_field.build()
        yield built, db.session.get(Study, built.study_id)


def workbook(study, tmp_path, **options):
    path = tmp_path / "export.xlsx"
    counts = export(study, ExportOptions(**options), str(path))
    return load_workbook(path, read_only=True), counts


def sheet_totals(rows: list[dict]) -> Counter:
    """{(category, code): people} summed over the sheet's code columns (labels: codes)."""
    totals = Counter()
    for row in rows:
        for header, value in row.items():
            category, _, code = header.partition("_")
            if category in CATEGORIES and value:
                totals[(category, code)] += value
    return +totals


def test_the_sheet_has_a_row_per_count_and_the_stored_totals(counted, tmp_path):
    _built, study = counted
    book, counts = workbook(study, tmp_path, labels="codes")
    assert book.sheetnames.index(SHEET) == book.sheetnames.index("Scans") + 1
    rows = records(book, SHEET)
    assert counts[SHEET] == len(rows) == 6, "the withdrawn count is left out"
    assert about_counts(book)[SHEET] == 6
    assert sheet_totals(rows) == stored("tellen") == Counter(TOTALS)
    for row in rows:
        modes = sum(v for k, v in row.items() if k.startswith("mode_"))
        assert row["total"] == modes
        assert row["per_hour"] == pytest.approx(row["total"] * 60 / row["minutes"], abs=0.05)


def test_cells_are_typed_local_and_empty_where_nothing_was_noted(counted, tmp_path):
    _built, study = counted
    book, _ = workbook(study, tmp_path, labels="codes")
    rows = {(r["zone"], r["start"]): r for r in records(book, SHEET)}
    first = rows[("Entree", datetime(2026, 5, 4, 10, 10))]
    assert (first["site"], first["observer"], first["minutes"], first["total"]) == (
        "Bieb",
        "W01",
        10,
        24,
    )
    assert isinstance(first["passer_id"], int) and isinstance(first["session_id"], int)
    assert first["mode_bicycle"] == 0 and first["gender_unknown"] == 0, "noted: zero"
    assert first["group_alone"] is None, "the count did not note group sizes: empty"
    later = rows[("Entree", datetime(2026, 5, 4, 10, 40))]
    assert later["gender_man"] is None and later["group_pair"] == 8
    assert [r["start"] for r in records(book, SHEET)] == sorted(r["start"] for r in rows.values())


def test_the_export_filters_hold(counted, tmp_path):
    built, study = counted
    book, _ = workbook(study, tmp_path, sites=[built.sites["Park"]])
    assert {r["site"] for r in records(book, SHEET)} == {"Park"}
    book, _ = workbook(study, tmp_path, observers=[built.users["W01"].id])
    assert {r["observer"] for r in records(book, SHEET)} == {"W01"}
    book, _ = workbook(study, tmp_path, date_from=date(2026, 5, 6), date_to=date(2026, 5, 6))
    assert [r["total"] for r in records(book, SHEET)] == [7]
    db.session.execute(
        sa.text("UPDATE sessions SET review_state = 'approved' WHERE uuid = :u"),
        {"u": built.sessions["B"]},
    )
    book, counts = workbook(study, tmp_path, review_states=["approved"])
    assert counts[SHEET] == 3 and {r["site"] for r in records(book, SHEET)} == {"Park"}
    _book, counts = workbook(study, tmp_path, date_from=date(2020, 1, 1), date_to=date(2020, 1, 2))
    assert counts[SHEET] == 0


@pytest.mark.parametrize(
    ("labels", "mode", "gender"),
    [
        ("codes", "mode_on_foot", "gender_woman"),
        ("en", "Mode: on foot", "Gender (perceived): woman/girl"),
        ("nl", "Vervoerswijze: te voet", "Gender (zoals waargenomen): vrouw/meisje"),
    ],
)
def test_code_columns_follow_the_labels(counted, tmp_path, labels, mode, gender):
    _built, study = counted
    book, _ = workbook(study, tmp_path, labels=labels)
    header = next(book[SHEET].iter_rows(values_only=True))
    assert header[:9] == (
        "passer_id",
        "session_id",
        "site",
        "zone",
        "observer",
        "start",
        "minutes",
        "total",
        "per_hour",
    ), "the fixed columns keep their names"
    assert mode in header and gender in header
    assert len(set(header)) == len(header)
    first = records(book, SHEET)[0]
    assert first[mode] == 20 and first[gender] == 12


def test_the_csv_zip_has_the_same_table(counted, tmp_path):
    _built, study = counted
    path = tmp_path / "export.zip"
    counts = export(study, ExportOptions(format="csv", labels="codes"), str(path))
    with zipfile.ZipFile(path) as archive:
        data = archive.read(f"{SHEET}.csv")
        about = archive.read("About.csv").decode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert counts[SHEET] == len(rows) == 6
    converted = [{k: int(v) if v.isdigit() else v for k, v in row.items()} for row in rows]
    assert sheet_totals(converted) == Counter(TOTALS)
    assert f"{SHEET},6" in about.replace("\r", "")


def test_the_summary_has_the_staying_ratio_per_line(counted, tmp_path):
    _built, study = counted
    book, _ = workbook(study, tmp_path, labels="en")
    values = [row for row in book["Summary"].iter_rows(values_only=True) if any(row)]
    title = values.index(
        next(r for r in values if r[0] == "Staying ratio: people staying against people passing")
    )
    header = values[title + 1]
    assert header[:2] == ("Site", "Counting line") and header[8] == "Staying ratio"
    table = {(r[0], r[1]): r for r in values[title + 2 : title + 6]}
    assert set(table) == {
        ("Bieb", "Entree"),
        ("Park", "Pad"),
        ("Park", "Vijverpad"),
        ("Park", "all counting lines"),
    }, "a site with one line has no total row"
    assert table[("Bieb", "Entree")][2:] == (2, 20, 40, 120, 3, 6, 0.05, 1)
    assert table[("Park", "Pad")][2:] == (1, 10, 30, 180, 1, 3, round(1 / 60, 4), 1)
    assert table[("Park", "Vijverpad")][2:] == (1, 15, 45, 180, 2, 4.5, 0.025, 0)
    assert table[("Park", "all counting lines")][2:] == (2, 25, 75, 180, 3, 4, 0.0222, 1)
    assert values[title + 6][0].startswith("Each people-moving count is paired")


def test_no_counts_no_staying_table(counted, tmp_path):
    _built, study = counted
    book, counts = workbook(study, tmp_path, date_from=date(2020, 1, 1), date_to=date(2020, 1, 2))
    firsts = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert not any(str(first).startswith("Verblijfsratio") for first in firsts if first)
    assert counts[SHEET] == 0 and records(book, SHEET) == []
