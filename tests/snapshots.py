"""Rows a fixture makes, made once per test run and copied into each later test's database.

Many tests start from the same rows: the demo study (60,000 rows, 1–3 s to generate, longer
on PostgreSQL) or the read API's small observed study. `restore_or_build` makes them in the
first test's fresh database and keeps a copy; each later test gets the copy in its own fresh
database (a file copy on SQLite, COPY on PostgreSQL), so tests still never share rows.
"""

import copy
import shutil
import tempfile
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from observations.extensions import db
from observations.sync import rules_cache

# The demo (and the access world) is generated relative to the moment it is made (a session
# started 35 minutes ago is still running; last week's sessions await review): a copy older
# than this is made again.
DEMO_FRESH_SECONDS = 600


@dataclass
class Snapshot:
    """The rows of every table, and what the builder returned."""

    made_at: float
    value: object
    sqlite_file: Path | None = None
    tables: dict[str, bytes] | None = None  # PostgreSQL: COPY's text per table with rows
    sequences: dict[str, int] | None = None  # PostgreSQL: each used sequence's last value
    instance: Path | None = None  # the files build wrote in the app's instance folder


_snapshots: dict[Hashable, Snapshot] = {}
_folder: Path | None = None


def restore_or_build(
    app, key: Hashable, build: Callable[[], object], fresh_for=None, files: bool = False
):
    """Add the rows `build` makes to the app's fresh database and return build's value.

    `build` runs in an app context (its work is committed after it): once per key, and again
    when the copy is older than `fresh_for` seconds. Later calls copy its rows instead, into
    a database without rows; one that has some already (another fixture's) runs `build`.
    With `files`, the files in the app's instance folder (export files) are copied back too.
    """
    snapshot = _snapshots.get(key)
    if snapshot and fresh_for is not None and time.monotonic() - snapshot.made_at > fresh_for:
        snapshot = None
    with app.app_context():
        if not _empty():  # another fixture made rows first: a copy would replace them
            value = build()
            db.session.commit()
            return value
        if snapshot is not None:
            _restore(snapshot)
            if snapshot.instance is not None:
                shutil.copytree(snapshot.instance, app.instance_path, dirs_exist_ok=True)
            return copy.deepcopy(snapshot.value)
        value = build()
        db.session.commit()
        snapshot = _snapshots[key] = _take(copy.deepcopy(value))
        if files:
            snapshot.instance = _folder_for_copies() / f"instance-{time.monotonic_ns()}"
            shutil.copytree(app.instance_path, snapshot.instance)
        return value


def demo(app, password: str = "correct-horse-battery"):
    """The demo study, made today with this password (the caller's app has no rows yet)."""
    from observations import demo as demo_study

    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()

    def build():
        demo_study.create_demo(password=password)

    restore_or_build(app, ("demo", password, today), build, fresh_for=DEMO_FRESH_SECONDS)


def _folder_for_copies() -> Path:
    """A temporary folder for the run's copies."""
    global _folder
    _folder = _folder or Path(tempfile.mkdtemp(prefix="terloops-snapshots-"))
    return _folder


def _empty() -> bool:
    """Whether the database holds no accounts and no studies (every fixture makes some)."""
    found = any(
        db.session.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()
        for table in ("users", "studies")
    )
    db.session.rollback()
    return not found


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _take(value) -> Snapshot:
    """Copy the committed rows of the current app's database."""
    snapshot = Snapshot(time.monotonic(), value)
    db.session.remove()
    if not _postgresql():
        db.engine.dispose()
        snapshot.sqlite_file = _folder_for_copies() / f"{time.monotonic_ns()}.db"
        shutil.copyfile(db.engine.url.database, snapshot.sqlite_file)
        return snapshot
    snapshot.tables, snapshot.sequences = {}, {}
    with db.engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            data = bytearray()
            with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                for chunk in copy:
                    data += chunk
            if data:
                snapshot.tables[table.name] = bytes(data)
        for name, last in connection.execute(
            sa.text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        ):
            if last is not None:
                snapshot.sequences[name] = last
    return snapshot


def _restore(snapshot: Snapshot) -> None:
    """Put the snapshot's rows into the current app's empty database."""
    # Codebook rules are kept under the newest codebook's id and creation time, which every
    # copy repeats: rules an earlier test kept (after changing codes) must not serve this one.
    rules_cache.clear()
    db.session.remove()
    if snapshot.sqlite_file is not None:
        db.engine.dispose()
        target = Path(db.engine.url.database)
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(snapshot.sqlite_file, target)
        return
    with db.engine.begin() as connection:
        if connection.scalar(sa.text("SELECT current_setting('is_superuser')")) == "on":
            # The rows were consistent when copied: checking each foreign key again (a
            # trigger per row) would double the time of the copy.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        cursor = connection.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            if table.name in snapshot.tables:
                with cursor.copy(f'COPY "{table.name}" FROM STDIN') as copy:
                    copy.write(snapshot.tables[table.name])
        for name, last in snapshot.sequences.items():
            connection.execute(sa.text("SELECT setval(:name, :last)"), {"name": name, "last": last})
