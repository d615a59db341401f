"""PLDP 1.0: the Seattle data set goes in with the same totals, and comes out again."""

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import Category, Scan, ScanCount, Session, Study, Zone
from observations.pldp.importer import import_pldp
from tests import snapshots

DATA = Path(__file__).resolve().parents[1] / "data"
SEATTLE = (DATA / "seattle_2018_people_staying.csv").read_text(encoding="utf-8-sig")
LOCATIONS = (DATA / "seattle_2018_locations.csv").read_text(encoding="utf-8-sig")
AGES = {
    "Age_0-4": "0-14",
    "Age_5-14": "0-14",
    "Age_15-24": "15-24",
    "Age_25-44": "25-64",
    "Age_45-64": "25-64",
    "Age_65+": "65+",
}
GENDERS = {"Male": "man", "Female": "woman", "Gender_Unknown": "unknown"}


def csv_sums() -> tuple[Counter, Counter]:
    """Straight sums over the Seattle CSV: people per location, and per age/gender code."""
    per_location, per_code = Counter(), Counter()
    for row in csv.DictReader(io.StringIO(SEATTLE)):
        per_location[row["Location_ID"]] += int(row["Row_Total"] or 0)
        for column, code in {**AGES, **GENDERS}.items():
            category = "age" if column in AGES else "gender"
            per_code[(category, code)] += int(row[column] or 0)
    return per_location, per_code


def stored_sums(slug: str) -> tuple[Counter, Counter]:
    """The same sums from the database: people per location (zone), per age/gender code."""
    per_location, per_code = Counter(), Counter()
    rows = db.session.execute(
        sa.select(Zone.name, ScanCount.category, ScanCount.code, ScanCount.count)
        .join(Scan, Scan.zone_id == Zone.id)
        .join(ScanCount, ScanCount.scan_id == Scan.id)
        .join(Session, Session.id == Scan.session_id)
        .join(Study, Study.id == Session.study_id)
        .where(Study.slug == slug)
    )
    for zone, category, code, count in rows:
        if category == "gender":
            per_location[zone.split(" · ")[0]] += count
        if category in ("age", "gender"):
            per_code[(category, code)] += count
    return per_location, per_code


def table_counts() -> dict[str, int]:
    """Rows per table."""
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


@pytest.fixture
def seattle(app):
    """The Seattle data imported into a new study, with the report."""
    with app.test_request_context():
        report = import_pldp(
            SEATTLE, "seattle", LOCATIONS, study_name="Seattle 2018", timezone="America/Los_Angeles"
        )
        yield report


def test_seattle_totals_per_location_and_code_equal_the_csv(seattle):
    expected_locations, expected_codes = csv_sums()
    locations, codes = stored_sums("seattle")
    assert locations == +expected_locations, "Counter + drops locations with nobody"
    assert codes == expected_codes
    assert seattle.rows == seattle.rows_imported == 6537 and not seattle.rejected
    assert seattle.sessions == {"created": 864}
    assert seattle.people == sum(expected_locations.values()) == 6395


def test_study_is_created_with_its_places(seattle):
    study = db.session.scalar(sa.select(Study).filter_by(slug="seattle"))
    assert seattle.created_study and study.timezone == "America/Los_Angeles"
    zones = db.session.scalars(sa.select(Zone.name)).all()
    assert len(zones) == 108
    assert any(z.startswith("BAL1 · NW MARKET ST") for z in zones)
    first = db.session.scalar(sa.select(Session).order_by(Session.started_at))
    assert (
        first.started_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Los_Angeles")).hour
        >= 6
    )
    assert first.temperature_c is not None and first.temperature_c < 40, "Fahrenheit converted"


def test_race_columns_are_refused_and_everything_is_reported(seattle):
    assert set(seattle.refused) == {
        "White",
        "BlackAfricanAmerican",
        "AmericanIndian_AlaskanNative",
        "Asian",
        "NativeHawaiian_PacificIslander",
        "Latino",
        "Multiple_Races",
        "Race_Unknown",
    }
    assert seattle.refused["White"] == 4062
    assert seattle.unknown == {"Mobility_Assistance_Device": 125}
    categories = set(db.session.scalars(sa.select(ScanCount.category).distinct()))
    assert categories <= {"age", "gender", "company", "posture", "activity"}
    text = "\n".join(seattle.lines())
    assert "not imported (race/ethnicity is not recorded" in text
    assert "Age_0-4 → age:0-14" in text


def test_activities_the_codebook_lacks_extend_it(seattle):
    activity = db.session.scalar(sa.select(Category).filter_by(key="activity"))
    codes = {c.code: c for c in activity.codes}
    assert codes["smoking"].introduced_in == 2
    smoking = db.session.scalar(
        sa.select(sa.func.sum(ScanCount.count)).filter_by(category="activity", code="smoking")
    )
    assert smoking == 444


def test_importing_the_same_file_again_adds_nothing(seattle):
    before = table_counts()
    again = import_pldp(SEATTLE, "seattle", LOCATIONS)
    after = table_counts()
    assert again.sessions == {"duplicate": 864}
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }


def test_export_then_import_keeps_the_totals(seattle, tmp_path):
    study = db.session.scalar(sa.select(Study).filter_by(slug="seattle"))
    path = tmp_path / "seattle-pldp.csv"
    counts = export(study, ExportOptions(format="pldp"), str(path))
    assert counts == {"PLDP": 864}
    exported = path.read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(exported)))
    for column in (
        "study_protocol_version",
        "survey_time_start",
        "row_total",
        "gender_male",
        "age_0-14",
        "posture_standing",
        "group_1",
        "activity_consuming",
    ):
        assert column in header
    first = next(csv.DictReader(io.StringIO(exported)))
    assert len(first["survey_time_start"]) == 13 and first["survey_time_start"][8] == ":"
    back = import_pldp(exported, "seattle-again", timezone="America/Los_Angeles")
    assert back.sessions == {"created": 864} and not back.unknown and not back.refused
    _, original_codes = stored_sums("seattle")
    _, returned_codes = stored_sums("seattle-again")
    assert returned_codes == original_codes
    totals = lambda slug: db.session.scalar(  # noqa: E731
        sa.select(sa.func.sum(ScanCount.count))
        .join(Scan)
        .join(Session)
        .join(Study)
        .where(Study.slug == slug, ScanCount.category == "gender")
    )
    assert totals("seattle-again") == totals("seattle") == 6395


def test_demo_scans_round_trip_through_pldp(app, tmp_path):
    snapshots.demo(app)
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="demo"))
        path = tmp_path / "demo.csv"
        export(study, ExportOptions(format="pldp"), str(path))
        report = import_pldp(path.read_text(encoding="utf-8-sig"), "demo-pldp")
        assert not report.unknown and not report.rejected

        def sums(slug):
            return dict(
                db.session.execute(
                    sa.select(ScanCount.category, sa.func.sum(ScanCount.count))
                    .join(Scan)
                    .join(Session)
                    .join(Study)
                    .where(Study.slug == slug)
                    .group_by(ScanCount.category)
                ).all()
            )

        assert sums("demo-pldp") == sums("demo")


def test_rows_that_cannot_be_read_are_rejected_with_reasons(app):
    table = (
        "location_id,survey_id,survey_time_start,survey_time_stop,row_total,gender_male\n"
        "A1,S1,20260501:1000,20260501:1010,2,2\n"
        ",S1,20260501:1000,20260501:1010,1,1\n"
        "A1,S1,20260501:1000,20260501:1010,x,1\n"
        "A2,,bad,,1,1\n"
    )
    with app.test_request_context():
        report = import_pldp(table, "small")
        assert report.rows == 4 and report.rows_imported == 1
        assert [line for line, _ in report.rejected] == [3, 4, 5]
        assert "no location_id" in report.rejected[0][1]
        assert "not a whole number" in report.rejected[1][1]
