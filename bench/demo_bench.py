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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bare_insert_seconds, fresh_app, table_rows
from observations import demo
from observations.extensions import db


def main() -> None:
    """Measure the demo command and the floor, and print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = fresh_app(url, tmp, cheap_hashing=False)
        with app.app_context():
            started = time.perf_counter()
            demo.create_demo()
            db.session.commit()
            seconds = time.perf_counter() - started
        rows = table_rows(app)
        total = sum(len(r) for r in rows.values())
        floor = bare_insert_seconds(rows, url, tmp)
        with app.app_context():
            db.drop_all()
    print(f"demo study: {total} rows in {seconds:.2f} s (bare inserts: {floor:.2f} s)")
    ratio = seconds / floor
    print(f"seconds={seconds:.2f} rows={total} floor_seconds={floor:.2f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
