"""Database engine set-up: SQLite pragmas and the models' registration."""

from flask import Flask
from sqlalchemy import event

from . import models, text  # noqa: F401  (registers every table on the metadata)
from .extensions import db

# Every model's texts are checked before they are written (text.py).
text.install(db.Model)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on what SQLite leaves off: foreign keys, WAL journal, a busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Install the SQLite pragmas on every SQLite engine of the app."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
