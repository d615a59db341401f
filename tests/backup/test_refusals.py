"""What backup and restore refuse, each with a clear message and exit code 2."""

import io
import tarfile

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade

from observations import studies
from observations.backup.archive import DATABASE
from observations.backup.manifest import MANIFEST, BackupError, Manifest, kind_of
from observations.backup.sqlite import database_file
from observations.extensions import db
from observations.models import Study
from tests import factories
from tests.backup.conftest import members, migrated, run, wipe
from tests.conftest import TEST_DATABASE_URL

KIND = "postgresql" if TEST_DATABASE_URL else "sqlite"
OTHER_KIND = "sqlite" if TEST_DATABASE_URL else "postgresql"


@pytest.fixture
def backup(installation, tmp_path):
    """A backup of a small installation: one study with a coordinator."""
    with installation.app_context():
        study = studies.create_study("Klein", "klein")
        factories.user("coordinator", "coordinator", study)
        db.session.commit()
    out = tmp_path / "small.tar"
    result = run(installation, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def archive(path, manifest: Manifest | None, database: bytes = b"") -> None:
    """Write a tar that looks more or less like a backup."""
    with tarfile.open(path, "w") as tar:
        items = [(MANIFEST, manifest.to_bytes())] if manifest else []
        items.append((DATABASE[manifest.database] if manifest else "database", database))
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def studies_in(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Study))


def test_restore_refuses_a_database_that_holds_data(installation, backup):
    result = run(installation, "restore", str(backup))
    assert result.exit_code == 2
    assert "The database is not empty (studies: 1, users: 1" in result.output
    assert studies_in(installation) == 1


def test_restore_refuses_a_database_with_tables_of_another_application(installation, backup):
    wipe(installation)
    with installation.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    result = run(installation, "restore", str(backup))
    assert result.exit_code == 2
    assert "tables Terloops does not know: invoices" in result.output
    with installation.app_context():
        assert sa.inspect(db.engine).get_table_names() == ["invoices"]


def test_restore_goes_into_a_migrated_database_without_rows(installation, backup):
    wipe(installation)
    migrated(installation)
    result = run(installation, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert studies_in(installation) == 1


def test_restore_refuses_what_is_not_a_backup(installation, tmp_path):
    wipe(installation)
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    no_manifest = tmp_path / "plain.tar"
    archive(no_manifest, None)
    other_kind = tmp_path / "other.tar"
    archive(other_kind, Manifest(OTHER_KIND, "0009_indicator_facts", {}))
    newer = tmp_path / "newer.tar"
    archive(newer, Manifest(KIND, "0099_future", {}, version=2))
    cases = [
        (text, "is not a Terloops backup (one made with `flask --app app backup`)"),
        (no_manifest, "is not a Terloops backup"),
        (tmp_path / "missing.tar", "does not exist"),
        (other_kind, "but the configured database is"),
        (newer, "was made by a newer version of Terloops"),
    ]
    for path, message in cases:
        result = run(installation, "restore", str(path))
        assert result.exit_code == 2, (path, result.output)
        assert message in result.output, (path, result.output)
    with installation.app_context():
        assert sa.inspect(db.engine).get_table_names() == []


def test_backup_refuses_to_overwrite_or_to_write_nowhere(installation, backup, tmp_path):
    first = backup.read_bytes()
    result = run(installation, "backup", "--out", str(backup))
    assert result.exit_code == 2
    assert "exists already. Choose another name, or add --overwrite." in result.output
    assert backup.read_bytes() == first
    result = run(installation, "backup", "--out", str(tmp_path / "nowhere" / "b.tar"))
    assert result.exit_code == 2
    assert "The folder" in result.output and "does not exist" in result.output
    result = run(installation, "backup", "--out", "/proc/terloops.tar")
    assert result.exit_code == 2
    assert "Cannot write to /proc" in result.output
    result = run(installation, "backup", "--out", str(backup), "--overwrite")
    assert result.exit_code == 0, result.output
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".terloops-backup")]
    assert (backup.stat().st_mode & 0o777) == 0o600


def test_a_backup_without_export_files_says_where_they_stay(installation, tmp_path):
    out = tmp_path / "b.tar"
    result = run(installation, "backup", "--out", str(out), "--no-export-files")
    assert result.exit_code == 0, result.output
    assert "Export files left out; they stay in" in result.output
    assert members(out) == ["terloops-backup.json", DATABASE[KIND]]


def test_an_older_backup_asks_for_an_upgrade_and_a_newer_one_is_flagged(installation, tmp_path):
    with installation.app_context():
        downgrade(revision="-1")
        older = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
    out = tmp_path / "older.tar"
    assert run(installation, "backup", "--out", str(out)).exit_code == 0
    wipe(installation)
    result = run(installation, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert f"The backup is at revision {older}" in result.output
    assert "flask --app app db upgrade" in result.output

    with installation.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    newer = tmp_path / "newer.tar"
    assert run(installation, "backup", "--out", str(newer)).exit_code == 0
    wipe(installation)
    result = run(installation, "restore", str(newer))
    assert result.exit_code == 0, result.output
    assert "Revision 0099_future is unknown to this version of Terloops" in result.output


def test_only_sqlite_and_postgresql_files_are_backed_up():
    with pytest.raises(BackupError, match="not mysql"):
        kind_of(sa.engine.make_url("mysql+pymysql://u@localhost/terloops"))
    with pytest.raises(BackupError, match="not a file"):
        database_file(sa.engine.make_url("sqlite://"))


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only (TEST_DATABASE_URL)")
def test_postgresql_tools_missing_or_failing_are_explained(app_factory, tmp_path):
    app = app_factory(BABEL_DEFAULT_LOCALE="en", PG_DUMP="/nowhere/pg_dump")
    migrated(app)
    result = run(app, "backup", "--out", str(tmp_path / "b.tar"))
    assert result.exit_code == 2
    assert "/nowhere/pg_dump was not found" in result.output
    assert "TERLOOPS_PG_DUMP" in result.output
    assert not (tmp_path / "b.tar").exists()

    broken = tmp_path / "broken.tar"
    archive(broken, Manifest("postgresql", "0009_indicator_facts", {}), b"PGDMP garbage")
    wipe(app)
    result = run(app, "restore", str(broken))
    assert result.exit_code == 2
    assert "pg_restore failed:" in result.output
