"""The CSV zip: one UTF-8 file per sheet with a BOM, and formula-like text defused."""

import csv
import io
import zipfile

from observations.export import ExportOptions, export
from observations.export.csvzip import FORMULA_STARTS
from tests.export.test_workbook import FORMULAS, SHEETS, note_records


def members(study, tmp_path, **options) -> tuple[dict[str, list[list[str]]], dict, dict]:
    """Export as CSV zip; return each member's rows, raw bytes and the row counts."""
    path = tmp_path / "export.zip"
    counts = export(study, ExportOptions(format="csv", **options), str(path))
    with zipfile.ZipFile(path) as archive:
        raw = {name: archive.read(name) for name in archive.namelist()}
    rows = {
        name: list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) for name, data in raw.items()
    }
    return rows, raw, counts


def test_one_csv_per_sheet_with_a_bom(study, tmp_path):
    rows, raw, counts = members(study, tmp_path)
    assert set(rows) == {f"{n}.csv" for n in SHEETS}
    for name, data in raw.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
    for sheet, number in counts.items():
        assert len(rows[f"{sheet}.csv"]) - 1 == number
    assert any("Wijkpark Cromvliet" in " ".join(r) for r in rows["Sites.csv"])


def test_accents_survive(study, tmp_path):
    rows, _, _ = members(study, tmp_path)
    assert any("coördinator" in " ".join(r) or "zoals" in " ".join(r) for r in rows["Codebook.csv"])


def test_formula_like_text_gets_a_leading_quote(study, tmp_path):
    note_records(study, FORMULAS)
    rows, _, _ = members(study, tmp_path)
    header = rows["Notes.csv"][0]
    texts = [r[header.index("text")] for r in rows["Notes.csv"][1:]]
    for formula in FORMULAS:
        stored = formula.strip()  # the sync service strips text; a leading tab is gone
        expected = "'" + stored if stored.startswith(FORMULA_STARTS) else stored
        assert expected in texts, formula
    assert "Koffiebar is het ontmoetingspunt voor ouderen in de ochtend." in texts
