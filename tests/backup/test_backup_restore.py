"""Backup while fieldworkers sync, lose everything, restore: the same study comes back.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import csv
import io
import threading
import zipfile

import sqlalchemy as sa

from observations import demo, studies
from observations.backup.archive import DATABASE, read_manifest
from observations.backup.manifest import inventory
from observations.export import ExportOptions, export
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import Encounter, FieldNote, Scan, Session, User
from observations.sync import sync_records
from tests.backup.conftest import members, run, wipe
from tests.sync.conftest import Field, at


def csv_export(app, slug: str, path) -> dict[str, list[list[str]]]:
    """The study's CSV export, file by file, without the moment it was generated."""
    with app.test_request_context():
        export(studies.by_slug(slug), ExportOptions(format="csv", labels="en"), str(path))
        db.session.remove()
    with zipfile.ZipFile(path) as archive:
        files = {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }
    files["About.csv"] = [row for row in files["About.csv"] if row[:1] != ["Generated at"]]
    return files


def batch(field: Field, number: int) -> list[dict]:
    """One fieldworker's sync batch: a session with a scan, three encounters and a note."""
    session = field.session(started_at=at(number), device_time=at(number))
    return [
        session,
        field.scan(session, field.zones[0], observed_at=at(number + 0.2)),
        *(field.encounter(session, occurred_at=at(number + 0.5)) for _ in range(3)),
        field.note(session, written_at=at(number + 0.7)),
    ]


class Fieldworker(threading.Thread):
    """Syncs batch after batch in its own app context until told to stop."""

    def __init__(self, app, field: Field, user_id: int):
        super().__init__(daemon=True)
        self.app, self.field, self.user_id = app, field, user_id
        self.sent: list[list[dict]] = []
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.test_request_context():
                owner = db.session.get(User, self.user_id)
                while not self.stop.is_set():
                    records = batch(self.field, len(self.sent))
                    results = sync_records(owner, records)
                    assert {r["status"] for r in results} == {"created"}, results
                    with self.progress:
                        self.sent.append(records)
                        self.progress.notify_all()
                db.session.remove()
        except BaseException as error:  # reported by the test
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, batches: int) -> None:
        """Block until this many batches are stored (or the thread failed)."""
        with self.progress:
            assert self.progress.wait_for(
                lambda: len(self.sent) >= batches or self.error, timeout=30
            )
        assert self.error is None, self.error


def uuids(model, study_id: int) -> set[str]:
    """The UUIDs of a study's records of one kind."""
    query = sa.select(model.uuid)
    if model is Session:
        query = query.where(Session.study_id == study_id)
    else:
        query = query.join(Session, model.session_id == Session.id).where(
            Session.study_id == study_id
        )
    return set(db.session.scalars(query))


def test_backup_while_syncing_then_wipe_and_restore_gives_the_same_study(installation, tmp_path):
    app = installation
    with app.test_request_context():
        built = demo.create_demo(password="correct-horse-battery")
        db.session.commit()
        field = Field(app)
        # A finished export: its file comes along in the backup.
        lead = db.session.scalar(sa.select(User).filter_by(username="lead"))
        job = export_jobs.create_job(built.study, lead, ExportOptions(format="csv"))
        db.session.commit()
        job_id, fieldworker_id, demo_id = job.id, field.fieldworker.id, built.study.id
    export_jobs.run_job(app, job_id)
    with app.app_context():
        export_file = export_jobs.file_of(db.session.get(export_jobs.ExportJob, job_id))
        kept_export = export_file.read_bytes()
    before = csv_export(app, "demo", tmp_path / "before.zip")

    fieldworker = Fieldworker(app, field, fieldworker_id)
    fieldworker.start()
    try:
        fieldworker.wait_for(3)
        out = tmp_path / "terloops.tar.gz"
        result = run(app, "backup", "--out", str(out))
        assert result.exit_code == 0, result.output
        # The app goes on after the snapshot: the backup must not hold what came later.
        fieldworker.wait_for(len(fieldworker.sent) + 2)
    finally:
        fieldworker.stop.set()
        fieldworker.join(timeout=30)
    assert fieldworker.error is None, fieldworker.error

    manifest = read_manifest(out)
    names = members(out)
    assert names[:2] == ["terloops-backup.json", DATABASE[manifest.database]]
    assert f"exports/{export_file.name}" in names
    assert f"revision {manifest.revision}" in result.output
    assert f"{manifest.rows:,} rows" in result.output
    with app.app_context():
        demo_sessions = db.session.scalar(
            sa.select(sa.func.count()).select_from(Session).where(Session.study_id == demo_id)
        )
    in_backup = manifest.tables["sessions"] - demo_sessions
    # Syncing went on before and after the snapshot, and it holds whole batches only.
    assert 3 <= in_backup < len(fieldworker.sent)

    wipe(app)
    assert not export_file.exists()
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []

    result = run(app, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert "1 export file restored" in result.output
    assert f"current revision {manifest.revision}" in result.output

    with app.test_request_context():
        with db.engine.connect() as connection:
            revision, tables, _exports = inventory(connection)
        assert (revision, tables) == (manifest.revision, manifest.tables)
        # Exactly the first batches the fieldworker sent, each one whole.
        claimed = fieldworker.sent[:in_backup]
        for model, kind in ((Session, "session"), (Scan, "scan"), (Encounter, "encounter")):
            expected = {r["uuid"] for records in claimed for r in records if r["kind"] == kind}
            assert uuids(model, field.study_id) == expected, kind
        notes = {r["uuid"] for records in claimed for r in records if r["kind"] == "note"}
        assert uuids(FieldNote, field.study_id) == notes
        # The restored database takes new records (its sequences went along).
        owner = db.session.get(User, fieldworker_id)
        late = batch(field, 500)
        assert {r["status"] for r in sync_records(owner, late)} == {"created"}
        db.session.remove()
    assert export_file.read_bytes() == kept_export
    assert csv_export(app, "demo", tmp_path / "after.zip") == before
