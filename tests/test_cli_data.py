"""The `export` and `import-pldp` commands."""

from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from observations.extensions import db
from observations.models import AuditEvent
from tests import snapshots

DATA = Path(__file__).resolve().parent / "data"


def test_export_writes_the_workbook(app, runner, tmp_path):
    snapshots.demo(app)
    out = tmp_path / "demo.xlsx"
    result = runner.invoke(
        args=[
            "export",
            "demo",
            "--out",
            str(out),
            "--labels",
            "en",
            "--site",
            "Wijkpark Cromvliet",
            "--from",
            "2000-01-01",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Encounters" in result.output
    sites = {
        row[2]
        for row in load_workbook(out, read_only=True)["Sessions"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert sites == {"Wijkpark Cromvliet"}


def test_export_explains_bad_input(app, runner, tmp_path):
    snapshots.demo(app)
    out = str(tmp_path / "x.xlsx")
    cases = [
        (["export", "nope", "--out", out], "Er is geen studie met de korte naam nope."),
        (["export", "demo", "--out", out, "--site", "Vondelpark"], "Onbekende locatie Vondelpark"),
        (["export", "demo", "--out", out, "--from", "1-5-2026"], "verwacht een datum"),
        (
            ["export", "demo", "--out", out, "--from", "2026-05-02", "--to", "2026-05-01"],
            "--from ligt na --to.",
        ),
        (
            ["export", "demo", "--out", out, "--to", "9999-12-31"],
            "--to neemt een datum van 2000-01-01 tot en met 2099-12-31, niet 9999-12-31.",
        ),
        (["export", "demo", "--out", out, "--from", "1999-12-31"], "2000-01-01 tot en met"),
        (["export", "d\x00emo", "--out", out], "Er is geen studie met de korte naam d\ufffdemo."),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert not Path(out).exists()


def test_import_pldp_creates_the_study_and_reports(app, runner):
    args = [
        "import-pldp",
        str(DATA / "seattle_2018_people_staying.csv"),
        "--locations",
        str(DATA / "seattle_2018_locations.csv"),
        "--study",
        "seattle",
        "--timezone",
        "America/Los_Angeles",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "rows read: 6537; imported: 6537; rejected: 0" in result.output
    assert "surveys → sessions: created 864" in result.output
    again = runner.invoke(args=args)
    assert "surveys → sessions: duplicate 864" in again.output


def test_import_pldp_explains_bad_input(runner, tmp_path):
    table = str(DATA / "seattle_2018_people_staying.csv")
    bad = runner.invoke(args=["import-pldp", table, "--study", "Bad Slug!"])
    assert bad.exit_code == 2 and "Een korte naam heeft 2 tot 40 tekens" in bad.output
    zone = runner.invoke(args=["import-pldp", table, "--study", "s", "--timezone", "Mars/Olympus"])
    assert zone.exit_code == 2
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\xffgarbage")
    result = runner.invoke(args=["import-pldp", str(binary), "--study", "binair"])
    assert result.exit_code == 2 and "geen tekst in een codering" in result.output
    utf16 = tmp_path / "y.csv"
    utf16.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(args=["import-pldp", str(utf16), "--study", "binair"])
    assert result.exit_code == 2 and "geen PLDP-tabel" in result.output
    accented = tmp_path / "z.csv"
    accented.write_text("location_id,survey_id\nCafé,1\n", encoding="utf-8")
    for encoding, message in [("klingon", "Onbekende codering"), ("ascii", "niet te lezen als")]:
        result = runner.invoke(
            args=["import-pldp", str(accented), "--study", "cafe", "--encoding", encoding]
        )
        assert result.exit_code == 2 and message in result.output, result.output


def test_import_pldp_explains_a_name_that_cannot_be_stored(app, runner):
    table = str(DATA / "seattle_2018_people_staying.csv")
    for name, message in [("S" * 201, "Hoogstens 200 tekens"), ("Sea\udcfftle", "kapot teken")]:
        result = runner.invoke(args=["import-pldp", table, "--study", "seattle", "--name", name])
        assert result.exit_code == 2, result.output
        assert "--name: " in result.output and message in result.output, result.output
    with app.app_context():
        from observations.models import Study

        assert db.session.scalar(db.select(Study)) is None


def test_import_pldp_explains_text_in_the_file_that_cannot_be_stored(app, runner, tmp_path):
    locations = (DATA / "seattle_2018_locations.csv").read_text(encoding="utf-8-sig")
    broken = tmp_path / "locations.csv"
    broken.write_text(locations.replace("Seattle", "Seat\x00tle"), encoding="utf-8")
    result = runner.invoke(
        args=[
            "import-pldp",
            str(DATA / "seattle_2018_people_staying.csv"),
            "--locations",
            str(broken),
            "--study",
            "seattle",
        ]
    )
    assert result.exit_code == 2, result.output
    assert "onzichtbaar stuurteken" in result.output
    with app.app_context():
        from observations.models import Study

        assert db.session.scalar(db.select(Study)) is None, "nothing is half-imported"


def test_an_export_on_the_command_line_is_in_the_audit_log(app, runner, tmp_path):
    snapshots.demo(app, password="terloops-demo")
    out = tmp_path / "demo.csv.zip"
    result = runner.invoke(args=["export", "demo", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).filter_by(action="export")).all()
        assert [(e.entity, e.entity_key, e.actor_id) for e in events] == [("study", "demo", None)]
        assert events[0].changes["format"] == [None, "csv"]
