"""SQLite: snapshots and restores through SQLite's online backup API.

`Connection.backup` with all pages in one step copies the database inside one read
transaction: in WAL mode writers go on meanwhile, and the copy is the database as it was at
one moment, never half a sync batch.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from .manifest import BackupError, inventory


def database_file(url: sa.engine.URL) -> Path:
    """The file of a SQLite URL; an in-memory database has none to back up or restore into."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(_("The configured SQLite database is not a file: %(url)s", url=str(url)))
    return Path(url.database)


def _copy(source_path: Path, target_path: Path, journal: str, failure: Callable) -> None:
    """Copy one database file into another, all pages in one step, and set the copy's journal;
    a failure stops with the message `failure(error)`."""
    try:
        source = sqlite3.connect(source_path)
        try:
            target = sqlite3.connect(target_path)
            try:
                for connection in (source, target):
                    connection.execute("PRAGMA busy_timeout=10000")
                source.backup(target)
                target.execute(f"PRAGMA journal_mode={journal}")
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(failure(error)) from None


def snapshot(url: sa.engine.URL, target: Path) -> tuple:
    """Copy the live database into `target`; return what the copy holds (see `inventory`)."""
    source_path = database_file(url)
    if not source_path.is_file():
        raise BackupError(_("The database %(path)s does not exist.", path=str(source_path)))
    # The copy stands alone: no write-ahead log next to it.
    _copy(
        source_path,
        target,
        "DELETE",
        lambda error: _(
            "Cannot copy the database %(path)s: %(reason)s", path=str(source_path), reason=error
        ),
    )
    return read(target)


def read(path: Path) -> tuple:
    """What a SQLite database file holds (see `inventory`)."""
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return inventory(connection)
    except sa.exc.DatabaseError as error:
        raise BackupError(
            _("The backup's database cannot be read: %(reason)s", reason=error.orig)
        ) from None
    finally:
        engine.dispose()


def load(source_path: Path, url: sa.engine.URL) -> None:
    """Copy a snapshot into the configured database file, page by page."""
    target_path = database_file(url)
    if not target_path.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.", path=str(target_path.parent)))
    _copy(
        source_path,
        target_path,
        "WAL",
        lambda error: _(
            "Cannot write the database %(path)s: %(reason)s", path=str(target_path), reason=error
        ),
    )
