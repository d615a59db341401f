"""Database engine set-up: SQLite pragmas and the models' registration."""

from flask import Flask
from sqlalchemy import event

from . import models, text  # noqa: F401  (registers every table on the metadata)
from .extensions import db

# Every model's texts are checked before they are written (text.py).
text.install(db.Model)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on what SQLite leaves off: foreign keys, WAL journal, a busy timeout, and reading
    the database file through memory mapping.

    A connection's page cache is emptied whenever another connection has written, which under
    concurrent syncs is at nearly every request: its pages are then read again. Mapped, that
    is a memory access instead of a read() each (measured under bench/load.py with 50 phones:
    SQLite's share of a sync 1.1 ms → 0.6 ms). 256 MB is address space, not memory.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def init_app(app: Flask) -> None:
    """Install the SQLite pragmas on every SQLite engine of the app."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
