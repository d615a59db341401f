"""What the benchmarks share: a fresh app, and the floor of bare inserts."""

import time

import sqlalchemy as sa

from observations import create_app
from observations.extensions import db


def app_on(url: str, instance: str, cheap_hashing: bool = True):
    """The app on a benchmark's database.

    Cheap password hashing keeps account set-up out of a measurement; the demo bench
    measures the real command and turns it off.
    """
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance}
    if cheap_hashing:
        config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    return create_app(config)


def fresh_app(url: str, instance: str, cheap_hashing: bool = True):
    """The app on an empty database with the current schema."""
    app = app_on(url, instance, cheap_hashing)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def table_rows(app) -> dict[str, list[dict]]:
    """Every row of every table, as dictionaries, in dependency order."""
    with app.app_context():
        return {
            table.name: [dict(row._mapping) for row in db.session.execute(sa.select(table))]
            for table in db.metadata.sorted_tables
        }


def bare_insert_seconds(rows: dict[str, list[dict]], url: str, instance: str) -> float:
    """The floor: insert the same rows into a fresh database, one executemany per table."""
    app = fresh_app(url, instance)
    with app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for table in db.metadata.sorted_tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
        seconds = time.perf_counter() - started
        db.drop_all()
    return seconds
