"""PLDP tables as found in the wild: the camelCase dialect, cp1252 files, all or nothing."""

import csv
import io
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Scan, ScanCount, Session, Study, Zone
from observations.pldp.encoding import NotText, decode

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "sample_sf_civic_center_stationary.csv"
# camelCase column (header with its trailing space stripped) → (category, code).
COLUMNS = {
    "genderMale": ("gender", "man"),
    "genderFemale": ("gender", "woman"),
    "age0To14": ("age", "0-14"),
    "age15To24": ("age", "15-24"),
    "age25To64": ("age", "25-64"),
    "age65Plus": ("age", "65+"),
}
# The report of a file of any size fits on a screen or two.
MAX_REPORT_LINES = 80


def csv_sums(text: str, columns: dict = COLUMNS) -> Counter:
    """Straight sums over the camelCase CSV, per gender and age column (or the columns
    given: {column: (category, code)})."""
    sums = Counter()
    for row in csv.DictReader(io.StringIO(text)):
        row = {key.strip(): value for key, value in row.items()}
        for column, target in columns.items():
            sums[target] += int(row[column] or 0)
    return sums


def stored_sums(slug: str) -> Counter:
    """The same sums from the database."""
    rows = db.session.execute(
        sa.select(ScanCount.category, ScanCount.code, sa.func.sum(ScanCount.count))
        .join(Scan, Scan.id == ScanCount.scan_id)
        .join(Session, Session.id == Scan.session_id)
        .join(Study, Study.id == Session.study_id)
        .where(Study.slug == slug)
        .group_by(ScanCount.category, ScanCount.code)
    )
    return Counter({(category, code): total for category, code, total in rows})


def table_counts() -> dict[str, int]:
    """Rows per table, but the audit log."""
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name != "audit_events"
    }


def import_args(path, slug: str, *more: str) -> list[str]:
    return ["import-pldp", str(path), "--study", slug, "--timezone", "America/Los_Angeles", *more]


def test_the_camel_case_sample_imports_with_the_csv_totals(app, runner):
    text = SAMPLE.read_text(encoding="utf-8")
    result = runner.invoke(args=import_args(SAMPLE, "sf"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "study: sf (created)"
    assert "rows read: 10725; imported: 10725; rejected: 0" in lines
    assert any(line.startswith("dialect: camelCase") for line in lines)
    assert "encoding: utf-8 (detected)" in lines
    assert any(
        line.startswith("point locations dropped") and "10725 rows" in line for line in lines
    )
    assert len(lines) <= MAX_REPORT_LINES
    with app.app_context():
        stored = stored_sums("sf")
        expected = csv_sums(text)
        for target, total in expected.items():
            assert stored[target] == total, target
        # Every person has one gender and one age: what a row leaves out counts as unknown.
        genders = sum(n for (c, _code), n in stored.items() if c == "gender")
        ages = sum(n for (c, _code), n in stored.items() if c == "age")
        assert genders == ages > sum(expected.values()) / 2
        zones = set(db.session.scalars(sa.select(Zone.name)))
        assert zones == {row["name"] for row in csv.DictReader(io.StringIO(text))}
        assert len(zones) == 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 196
        before = table_counts()
    again = runner.invoke(args=import_args(SAMPLE, "sf"))
    assert again.exit_code == 0, again.output
    assert "surveys → sessions: duplicate 196" in again.output
    with app.app_context():
        assert table_counts() == before, "a second import adds nothing"


def test_a_cp1252_copy_imports_the_same(app, runner, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("Library Plaza", "Bibliothèque Plaza")
    (tmp_path / "utf8.csv").write_text(text, encoding="utf-8")
    (tmp_path / "cp1252.csv").write_bytes(text.encode("cp1252"))
    assert "è".encode("cp1252") in (tmp_path / "cp1252.csv").read_bytes()
    first = runner.invoke(args=import_args(tmp_path / "utf8.csv", "utf"))
    second = runner.invoke(args=import_args(tmp_path / "cp1252.csv", "windows"))
    assert first.exit_code == second.exit_code == 0, second.output
    assert "encoding: cp1252 (detected)" in second.output.splitlines()
    with app.app_context():
        assert stored_sums("windows") == stored_sums("utf")
        assert "Bibliothèque Plaza" in set(db.session.scalars(sa.select(Zone.name)))
    given = runner.invoke(
        args=import_args(tmp_path / "cp1252.csv", "given", "--encoding", "cp1252", "--dry-run")
    )
    assert given.exit_code == 0 and "encoding: cp1252\n" in given.output, given.output


def test_encodings_are_detected_by_a_simple_rule():
    assert decode("é".encode()) == ("é", "utf-8")
    assert decode(b"\xef\xbb\xbfa\xc3\xa9") == ("aé", "utf-8 (with BOM)")
    assert decode("é€".encode("cp1252")) == ("é€", "cp1252")
    assert decode(b"a\x81b") == ("a\x81b", "latin-1"), "0x81 is no cp1252 character"
    assert decode("é".encode("utf-16")) == ("é", "utf-16")
    half_an_emoji = "hz\ud83d".encode("utf-8", "surrogatepass")  # broken UTF-8, not cp1252
    refused = [
        (b"a\x00\xffb", None),
        (half_an_emoji, None),
        ("é".encode("cp1252"), "utf-8"),
        (b"a", "no-such"),
    ]
    for raw, name in refused:
        try:
            decode(raw, name)
        except NotText:
            continue
        raise AssertionError((raw, name))


def test_an_all_rejected_file_exits_non_zero_and_creates_nothing(app, runner, tmp_path):
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, body = rows[0], rows[1:]
    broken = [line.replace("M,", "M-broken,", 1) for line in body[:2000]]
    path = tmp_path / "broken.csv"
    path.write_text("\n".join([header, *broken]) + "\n", encoding="utf-8")
    result = runner.invoke(args=import_args(path, "nothing"))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "rows read: 2000; imported: 0; rejected: 2000" in lines
    assert "rejected: no readable start time (startedAt): 2000 rows (lines 2, 3, 4, 5, 6, …)" in (
        lines
    )
    assert "study: nothing (would be created)" in lines
    assert len(lines) <= MAX_REPORT_LINES
    with app.app_context():
        assert db.session.scalar(sa.select(Study)) is None, "no empty study left behind"
        assert table_counts()["zones"] == 0
        assert not db.session.scalars(sa.select(AuditEvent).filter_by(action="import")).all()


def test_a_dry_run_creates_nothing(app, runner):
    result = runner.invoke(args=import_args(SAMPLE, "sf", "--dry-run"))
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was stored; the import would succeed" in result.output
    assert "surveys → sessions: created 196" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Study)) is None
        assert table_counts()["sessions"] == 0


def test_a_dry_run_that_would_import_nothing_exits_non_zero(app, runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("id,name,startedAt,endedAt,genderMale\nX1,,bad,,1\n", encoding="utf-8")
    result = runner.invoke(args=import_args(path, "sf", "--dry-run"))
    assert result.exit_code == 1, result.output
    assert "rejected: no location name: 1 rows (lines 2)" in result.output


def test_a_file_that_is_no_pldp_table_is_refused(app, runner, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(args=import_args(path, "other"))
    assert result.exit_code == 2 and "geen PLDP-tabel" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Study)) is None
