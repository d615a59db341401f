"""The export reads the records as they stand: a correction shows in the workbook and the CSV."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.review.corrections import correct

COUNTS = {
    "age": {"65+": 3, "25-64": 3},
    "gender": {"woman": 4, "man": 2},
    "activity": {"reading_games": 4, "conversing": 1},
}


def sheets_xlsx(study, path) -> dict[str, list[dict]]:
    """Every data sheet of an xlsx export (raw codes) as rows keyed by header."""
    export(study, ExportOptions(format="xlsx", labels="codes"), str(path))
    book = load_workbook(path, read_only=True)
    found = {}
    for name in ("Sessions", "Scans", "Encounters", "Notes"):
        rows = list(book[name].iter_rows(values_only=True))
        found[name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return found


def sheets_csv(study, path) -> dict[str, list[dict]]:
    """Every data sheet of a CSV export (raw codes) as rows keyed by header."""
    export(study, ExportOptions(format="csv", labels="codes"), str(path))
    with zipfile.ZipFile(path) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))
            for name in ("Sessions", "Scans", "Encounters", "Notes")
        }


def seen(sheets) -> dict:
    """What the test looks at: crowding, the 65+ count, the relation and the note's text."""
    scans = sheets["Scans"]
    return {
        "crowding": sheets["Sessions"][0]["crowding"],
        "65+": [int(r["count"]) for r in scans if r["category"] == "age" and r["code"] == "65+"],
        "relation": sheets["Encounters"][0]["relation"],
        "text": sheets["Notes"][0]["text"],
    }


def test_the_export_shows_the_corrected_values(records, tmp_path):
    synced = records.synced()
    db.session.commit()
    study = records.study
    before = {
        "xlsx": seen(sheets_xlsx(study, tmp_path / "before.xlsx")),
        "csv": seen(sheets_csv(study, tmp_path / "before.zip")),
    }
    assert before["xlsx"] == {
        "crowding": "moderate",
        "65+": [2],
        "relation": "recognised",
        "text": "Drukte bij de koffiebar.",
    }
    assert before["csv"] == before["xlsx"]
    lead, reason = records.lead, "Nagekeken met de veldwerker."
    correct(study, "session", synced["session"]["uuid"], {"crowding": "busy"}, reason, lead)
    correct(study, "scan", synced["scan"]["uuid"], {"counts": COUNTS}, reason, lead)
    correct(
        study, "encounter", synced["encounter"]["uuid"], {"relation": "strangers"}, reason, lead
    )
    correct(
        study, "note", synced["note"]["uuid"], {"text": "Drukte bij de leestafels."}, reason, lead
    )
    db.session.commit()
    after = {
        "crowding": "busy",
        "65+": [3],
        "relation": "strangers",
        "text": "Drukte bij de leestafels.",
    }
    assert seen(sheets_xlsx(study, tmp_path / "after.xlsx")) == after
    assert seen(sheets_csv(study, tmp_path / "after.zip")) == after
