"""PLDP people-moving tables in, in both dialects: the kind told from the columns (or
given), every person in, counting lines made, all or nothing as for people staying."""

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import (
    AuditEvent,
    ImportJob,
    PasserCount,
    Scan,
    ScanCount,
    Site,
    Study,
    Zone,
)
from observations.pldp import kinds
from tests import factories
from tests.export.passers_field import stored
from tests.export.test_pldp_dialects import COLUMNS as CAMEL_COLUMNS
from tests.export.test_pldp_dialects import csv_sums, import_args, table_counts
from tests.imports.conftest import logged_in, upload

DATA = Path(__file__).resolve().parents[1] / "data"
PEDVOL = DATA / "sf-pedvol.csv"
STATIONARY = DATA / "sample_sf_civic_center_stationary.csv"
# camelCase column (stripped) → (category, code) of a people-moving count.
COLUMNS = {"modePedestrian": ("mode", "on_foot"), **CAMEL_COLUMNS}
# A snake_case table as the protocol names its columns; the second row's row_total counts
# 3 people more than its modes (PLDP: a mode the survey does not list), the third lasts
# 90 minutes (too long for a count).
SNAKE = (
    "location_id,location_name_primary,survey_id,survey_time_start,survey_time_stop,row_total,"
    "mode_pedestrian,mode_pedestrian_supported_heavily,mode_pedestrian_carried_wheels,"
    "mode_bicyclist,mode_pedestrian_rolling,gender_male,gender_female,age_25-64,group_1,"
    "group_2,group_3-7,group_8+\n"
    "L1,Hoofdstraat,S1,20260504:1000,20260504:1015,12,8,1,1,1,1,6,6,,4,8,,\n"
    "L1,Hoofdstraat,S2,20260504:1100,20260504:1115,13,10,,,,,5,4,10,,,,\n"
    "L2,Hoofdstraat,S3,20260504:1000,20260504:1130,5,5,,,,,,,,,,,\n"
)


def test_the_camel_case_people_moving_sample_imports_with_the_csv_totals(app, runner):
    text = PEDVOL.read_text(encoding="utf-8")
    result = runner.invoke(args=import_args(PEDVOL, "pedvol"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "rows read: 639; imported: 639; rejected: 0" in lines
    assert (
        "kind: people moving (detected: mode columns (modePedestrian) and no posture column)"
        in lines
    )
    assert any(line.startswith("dialect: camelCase") for line in lines)
    # Two rows count more people by gender or age than by mode: those have another mode.
    assert (
        "counted as mode:other: 142 people the rows counted (row_total, gender, age or group) "
        "beyond their modes" in lines
    )
    assert "not imported (no matching category): activityRunning (total 607)" in [
        line.replace("activityRunning ", "activityRunning") for line in lines
    ]
    assert len(lines) <= 60
    with app.app_context():
        found, expected = stored("pedvol"), csv_sums(text, COLUMNS)
        for target, total in expected.items():
            assert found[target] == total, target
        assert found[("mode", "other")] == 142
        modes = sum(n for (category, _code), n in found.items() if category == "mode")
        assert modes == expected[("mode", "on_foot")] + 142
        zones = db.session.scalars(sa.select(Zone)).all()
        assert len(zones) == len({row["name"] for row in csv.DictReader(io.StringIO(text))})
        assert all(zone.counting_line for zone in zones)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0
        counts = db.session.scalars(sa.select(PasserCount)).all()
        minutes = Counter(c.minutes for c in counts)
        assert len(counts) == 632 and minutes.most_common(1)[0][0] == 10
        assert all(1 <= m <= 60 for m in minutes), "each count lasts as its survey did"
        before = table_counts()
    again = runner.invoke(args=import_args(PEDVOL, "pedvol"))
    assert again.exit_code == 0 and "surveys → sessions: duplicate 632" in again.output
    with app.app_context():
        assert table_counts() == before, "a second import adds nothing"


def test_kind_staying_reads_the_same_file_as_scans(app, runner):
    result = runner.invoke(args=import_args(PEDVOL, "pedvol", "--kind", "staying"))
    assert result.exit_code == 0, result.output
    assert "kind: people staying (given)" in result.output
    assert "not imported (no matching category): modePedestrian (total 65278)" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasserCount)) == 0
        men = db.session.scalar(
            sa.select(sa.func.sum(ScanCount.count)).where(
                ScanCount.category == "gender", ScanCount.code == "man"
            )
        )
        assert men == csv_sums(PEDVOL.read_text(encoding="utf-8"), COLUMNS)[("gender", "man")]


def test_a_stationary_table_is_still_read_as_people_staying(app, runner, tmp_path):
    head = "".join(STATIONARY.read_text(encoding="utf-8").splitlines(keepends=True)[:41])
    path = tmp_path / "staying.csv"
    path.write_text(head, encoding="utf-8")
    result = runner.invoke(args=import_args(path, "staying"))
    assert result.exit_code == 0, result.output
    assert "kind: people staying (detected: no mode columns)" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) > 0


def test_the_snake_case_dialect_with_row_totals_and_groups(app, runner, tmp_path):
    path = tmp_path / "moving.csv"
    path.write_text(SNAKE, encoding="utf-8")
    result = runner.invoke(args=import_args(path, "snake"))
    assert result.exit_code == 0, result.output
    assert "rows read: 3; imported: 2; rejected: 1" in result.output
    assert (
        "rejected: a count longer than 60 minutes (Terloops counts passers-by for 1 to 60 "
        "minutes): 1 rows (lines 4)" in result.output
    )
    assert "mapped: mode_pedestrian_supported_heavily → mode:wheelchair" in result.output
    assert "mapped: mode_pedestrian_rolling → mode:other" in result.output
    with app.app_context():
        assert stored("snake") == Counter(
            {
                ("mode", "on_foot"): 18,
                ("mode", "wheelchair"): 1,
                ("mode", "pushchair"): 1,
                ("mode", "bicycle"): 1,
                ("mode", "other"): 1 + 3,
                ("gender", "man"): 11,
                ("gender", "woman"): 10,
                ("age", "25-64"): 10,
                ("group", "alone"): 4,
                ("group", "pair"): 8,
            }
        )
        assert {c.minutes for c in db.session.scalars(sa.select(PasserCount))} == {15}


def test_a_table_of_which_nothing_imports_leaves_nothing_and_exits_1(app, runner, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(SNAKE.splitlines()[0] + "\n" + SNAKE.splitlines()[3] + "\n", encoding="utf-8")
    result = runner.invoke(args=import_args(path, "niets"))
    assert result.exit_code == 1
    assert "nothing was imported: every row was rejected (1)" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Study).filter_by(slug="niets")) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Zone)) == 0


def test_a_dry_run_stores_nothing(app, runner):
    result = runner.invoke(args=import_args(PEDVOL, "droog", "--dry-run"))
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was stored; the import would succeed" in result.output
    assert "kind: people moving" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasserCount)) == 0
        assert db.session.scalar(sa.select(Study).filter_by(slug="droog")) is None


def test_an_existing_zone_counted_at_becomes_a_counting_line(app, runner, tmp_path):
    with app.app_context():
        factories.two_studies()
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        db.session.add(Site(study_id=study.id, name="Hoofdstraat", kind="street"))
        db.session.flush()
        site = db.session.scalar(sa.select(Site).filter_by(name="Hoofdstraat"))
        db.session.add(Zone(site_id=site.id, name="L1", position=0))
        db.session.commit()
    path = tmp_path / "moving.csv"
    path.write_text("\n".join(SNAKE.splitlines()[:2]) + "\n", encoding="utf-8")
    result = runner.invoke(args=import_args(path, "alpha"))
    assert result.exit_code == 0, result.output
    assert "warning: zone L1 is now a counting line: people were counted passing" in result.output
    with app.app_context():
        zone = db.session.scalar(sa.select(Zone).filter_by(name="L1"))
        assert zone.counting_line
        event = db.session.scalar(sa.select(AuditEvent).filter_by(entity="zone"))
        assert event.changes == {"counting_line": [False, True]}
        assert db.session.scalar(sa.select(PasserCount.zone_id)) == zone.id


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["id", "name", "startedAt ", "modePedestrian", "genderMale "], kinds.MOVING),
        (["location_id", "survey_id", "mode_bicyclist", "gender_male"], kinds.MOVING),
        (["location_id", "survey_id", "Mode_Pedestrian_Walking"], kinds.MOVING),
        (["id", "name", "startedAt", "genderMale", "postureStanding"], kinds.STAYING),
        (["location_id", "survey_id", "mode_pedestrian", "posture_standing"], kinds.STAYING),
        (["location_id", "survey_id", "gender_male", "model_year"], kinds.STAYING),
        (["location_id", "survey_id", "gender_male", "age_0-14"], kinds.STAYING),
    ],
)
def test_the_kind_is_told_from_the_columns(headers, kind):
    found, why = kinds.detect(headers)
    assert found == kind, why
    assert why


def test_modes_map_from_the_protocols_names_and_the_camel_ones():
    assert kinds.mode_of("mode_pedestrian") == "on_foot"
    assert kinds.mode_of("mode_pedestrian_running_jogging") == "on_foot"
    assert kinds.mode_of("mode_pedestrian_supported_lightly") == "wheelchair"
    assert kinds.mode_of("mode_pedestrian_carried_body") == "pushchair"
    assert kinds.mode_of("modepedestrian") == "on_foot"
    assert kinds.mode_of("mode_bicyclist_private_individual") == "bicycle"
    assert kinds.mode_of("mode_vehicles_public_bus") == "other"
    assert kinds.mode_of("gender_male") is None


def test_the_import_page_detects_a_people_moving_table(app, client):
    with app.app_context():
        factories.two_studies()
        db.session.commit()
    logged_in(client, "alpha-lead")
    table = "".join(PEDVOL.read_text(encoding="utf-8").splitlines(keepends=True)[:31])
    surveys = {(r["name"], r["startedAt "]) for r in csv.DictReader(io.StringIO(table))}
    answer = upload(client, "alpha", table.encode("cp1252"), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "rows read: 30; imported: 30; rejected: 0" in page
    assert "kind: people moving (detected: mode columns (modePedestrian)" in page
    with app.app_context():
        counts = db.session.scalar(sa.select(sa.func.count()).select_from(PasserCount))
        assert counts == len(surveys)
        assert db.session.scalar(sa.select(ImportJob.settings)) == {}
    chosen = upload(client, "alpha", table.encode(), kind="staying", follow_redirects=True)
    assert "kind: people staying (given)" in chosen.get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalar(sa.select(ImportJob).order_by(ImportJob.id.desc()))
        assert newest.settings == {"kind": "staying"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == len(surveys)
