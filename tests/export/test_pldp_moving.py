"""PLDP people-moving export (`--format pldp-moving`): the protocol's single table of the
counts, and back in through the import with the same totals."""

import csv
import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import PasserCount, Study, Zone
from observations.pldp.columns import CONTEXT_COLUMNS
from observations.pldp.importer import import_pldp
from tests.export import passers_field
from tests.export.passers_field import TOTALS, stored

COUNT_COLUMNS = [
    "mode_pedestrian",
    "mode_bicyclist",
    "mode_pedestrian_supported",
    "mode_pedestrian_carried_wheels",
    "mode_other",
    "gender_male",
    "gender_female",
    "gender_unknown",
    "age_0-14",
    "age_15-24",
    "age_25-64",
    "age_65+",
    "age_unknown",
    "group_1",
    "group_2",
    "group_3-7",
    "group_8+",
]


@pytest.fixture
def counted(app):
    with app.test_request_context():
        built = passers_field.build()
        yield built, db.session.get(Study, built.study_id)


def exported(study, tmp_path, **options) -> tuple[str, dict]:
    path = tmp_path / "moving.csv"
    counts = export(study, ExportOptions(format="pldp-moving", **options), str(path))
    return path.read_text(encoding="utf-8-sig"), counts


def test_the_table_has_the_protocols_columns_and_a_row_per_count(counted, tmp_path):
    _built, study = counted
    text, counts = exported(study, tmp_path)
    table = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)))
    assert header == CONTEXT_COLUMNS + COUNT_COLUMNS
    assert len(table) == 6 and counts == {"PLDP": 6}
    modes = COUNT_COLUMNS[:5]
    for row in table:
        assert int(row["row_total"]) == sum(int(row[c]) for c in modes)
        start = datetime.strptime(row["survey_time_start"], "%Y%m%d:%H%M")
        stop = datetime.strptime(row["survey_time_stop"], "%Y%m%d:%H%M")
        assert timedelta(minutes=5) <= stop - start <= timedelta(minutes=15)
        assert row["row_id"] == "1" and row["study_protocol_version"] == "1.0"
    assert len({row["survey_id"] for row in table}) == 6
    first = next(r for r in table if r["survey_time_start"] == "20260504:1010")
    assert (first["location_name_primary"], first["location_name_secondary"]) == ("Bieb", "Entree")
    assert (first["mode_pedestrian"], first["mode_pedestrian_supported"]) == ("20", "1")
    assert first["gender_female"] == "12" and first["gender_unknown"] == "0"
    assert first["group_1"] == "", "a category the count did not note stays empty"
    assert first["survey_surveyor_name"] == "W01", "observers by code"


def test_pldp_stays_the_table_of_the_scans(counted, tmp_path):
    _built, study = counted
    path = tmp_path / "staying.csv"
    export(study, ExportOptions(format="pldp"), str(path))
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert "posture_standing" in header
    assert not any(column.startswith("mode_") for column in header)


def test_the_filters_hold(counted, tmp_path):
    built, study = counted
    text, counts = exported(study, tmp_path, sites=[built.sites["Park"]])
    assert counts == {"PLDP": 3}
    assert {r["location_name_primary"] for r in csv.DictReader(io.StringIO(text))} == {"Park"}


def test_export_then_import_keeps_the_totals(counted, tmp_path):
    _built, study = counted
    text, _ = exported(study, tmp_path)
    report = import_pldp(text, "terug")
    lines = report.lines()
    assert "kind: people moving (detected: mode columns (mode_pedestrian, mode_bicyclist, " in (
        "\n".join(lines)
    )
    assert report.sessions == {"created": 6} and not report.unknown and not report.rejected
    assert stored("terug") == stored("tellen") == Counter(TOTALS)
    zones = db.session.scalars(
        sa.select(Zone).join(PasserCount, PasserCount.zone_id == Zone.id).distinct()
    ).all()
    assert zones and all(zone.counting_line for zone in zones)
    again = import_pldp(text, "terug")
    assert again.sessions == {"duplicate": 6}
    assert stored("terug") == Counter(TOTALS), "a second import adds nothing"


def test_the_command_writes_it(app, runner, tmp_path):
    with app.test_request_context():
        passers_field.build()
    out = tmp_path / "moving.csv"
    result = runner.invoke(args=["export", "tellen", "--out", str(out), "--format", "pldp-moving"])
    assert result.exit_code == 0, result.output
    assert "PLDP" in result.output and "6" in result.output
    assert next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[-1] == "group_8+"
