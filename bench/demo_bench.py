"""How long `flask demo` takes to build the demo study, against a floor from the same run.

The floor inserts the same number of rows into the same tables with bare executemany
calls, so the ratio shows what the generator and the ORM add on top of the database.

    python bench/demo_bench.py [--database-url URL]

Last line: `seconds=S rows=N floor_seconds=F ratio=R`.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from observations import create_app, demo
from observations.extensions import db


def fresh_app(url: str, instance: str):
    """An app on an empty database with the current schema."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance}
    )
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


def floor_seconds(app, rows: dict[str, list[dict]]) -> float:
    """Insert the same rows with one executemany per table."""
    with app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for table in db.metadata.sorted_tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
        return time.perf_counter() - started


def main() -> None:
    """Measure the demo command and the floor, and print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = fresh_app(url, tmp)
        with app.app_context():
            started = time.perf_counter()
            demo.create_demo()
            db.session.commit()
            seconds = time.perf_counter() - started
        rows = table_rows(app)
        total = sum(len(r) for r in rows.values())
        floor = floor_seconds(fresh_app(url, tmp), rows)
        with app.app_context():
            db.drop_all()
    print(f"demo study: {total} rows in {seconds:.2f} s (bare inserts: {floor:.2f} s)")
    ratio = seconds / floor
    print(f"seconds={seconds:.2f} rows={total} floor_seconds={floor:.2f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
