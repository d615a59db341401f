"""`flask codebook export|import`: an xlsx file out, a checked file in, nothing half-imported."""

from openpyxl import load_workbook

from observations import codebook
from observations.extensions import db
from observations.models import AuditEvent
from tests.manage.helpers_codebook import CHESS_ROW, code, study


def test_export_then_import_unchanged_says_nothing_changed(app, world, runner, tmp_path):
    out = tmp_path / "codebook.xlsx"
    result = runner.invoke(args=["codebook", "export", "alpha", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][:3] == ("category", "category_label_nl", "category_label_en")
    assert len(rows) == 1 + 86
    result = runner.invoke(args=["codebook", "import", "alpha", str(out)])
    assert result.exit_code == 0 and "niets gewijzigd" in result.output
    with app.app_context():
        assert codebook.current_version(study()) == 1


def test_import_makes_one_version_with_the_changes(app, world, runner, tmp_path):
    out = tmp_path / "codebook.xlsx"
    runner.invoke(args=["codebook", "export", "alpha", "--out", str(out)])
    book = load_workbook(out)
    sheet = book.active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[5].value == "waiting")
    row[6].value = "in de rij"
    sheet.append(CHESS_ROW)
    book.save(out)
    result = runner.invoke(args=["codebook", "import", "alpha", str(out)])
    assert result.exit_code == 0, result.output
    assert "versie 2" in result.output
    with app.app_context():
        assert codebook.current_version(study()) == 2
        assert code("alpha", "activity", "waiting").label_nl == "in de rij"
        assert code("alpha", "activity", "chess").introduced_in == 2
        assert db.session.query(AuditEvent).filter_by(action="import").count() == 1
        assert code("beta", "activity", "chess") is None


def test_bad_rows_are_listed_and_nothing_is_imported(app, world, runner, tmp_path):
    out = tmp_path / "codebook.xlsx"
    runner.invoke(args=["codebook", "export", "alpha", "--out", str(out)])
    book = load_workbook(out)
    sheet = book.active
    sheet["G2"] = "veranderd"
    sheet["A3"] = "onbekend"
    sheet["H4"] = ""
    book.save(out)
    result = runner.invoke(args=["codebook", "import", "alpha", str(out)])
    assert result.exit_code != 0
    assert "rij 3" in result.output and "onbekend" in result.output
    assert "rij 4" in result.output and "label_en" in result.output
    with app.app_context():
        assert codebook.current_version(study()) == 1
        assert code("alpha", "age", "0-14").label_nl != "veranderd"


def test_an_unknown_study_is_an_error(app, world, runner, tmp_path):
    result = runner.invoke(args=["codebook", "export", "nope", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "nope" in result.output
