"""The data-quality flags of N sessions at once, against a plain read of the same sessions.

Fills a fresh database with the export benchmark's study (bench/export_bench.py `fill`):
N sessions of 90 minutes at five sites, each with two scans, 40 encounters and a note.
Some are then made to fire flags: every tenth session lasts five minutes, every 13th scan
counts nobody (the sessions are busy), every 97th encounter has a phone clock an hour ahead.
Then it times `session_flags` for all sessions (what an export of the whole study does) and,
as the floor in the same run, a plain query that loads the same sessions with their numbers
of scans, encounters and notes. Each is timed three times; the best counts.

    python bench/flags.py [--sessions N] [--database-url URL]

Last line: `sessions=N flagged=K seconds=S floor_seconds=F ratio=R` (R = S / F).
"""

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import app_on
from bench.export_bench import PER_SESSION, fill
from observations.extensions import db
from observations.models import Encounter, FieldNote, Scan, ScanCount, Session, Study

REPEATS = 3


def set_each(table: sa.Table, column: str, rows: list[dict]) -> None:
    """Give each row (by id) its own value of one column, in one executemany."""
    if rows:
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row"))
            .values({column: sa.bindparam("value")}),
            rows,
        )


def add_faults() -> None:
    """Make some sessions short, some scans empty and some phone clocks run ahead."""
    short = [
        {"row": sid, "value": start + timedelta(minutes=5)}
        for sid, start in db.session.execute(
            sa.select(Session.id, Session.started_at).where(Session.id % 10 == 0)
        )
    ]
    ahead = [
        {"row": eid, "value": received + timedelta(hours=1)}
        for eid, received in db.session.execute(
            sa.select(Encounter.id, Encounter.received_at).where(Encounter.id % 97 == 0)
        )
    ]
    set_each(Session.__table__, "ended_at", short)
    set_each(Encounter.__table__, "device_time", ahead)
    db.session.execute(sa.update(ScanCount).where(ScanCount.scan_id % 13 == 0).values(count=0))
    db.session.commit()


def floor(study: Study) -> int:
    """The sessions with their numbers of live scans, encounters and notes, plainly read."""
    sessions = db.session.execute(
        sa.select(Session).where(Session.study_id == study.id, Session.retracted.is_(False))
    ).all()
    for model in (Scan, Encounter, FieldNote):
        db.session.execute(
            sa.select(model.session_id, sa.func.count())
            .where(model.study_id == study.id, model.retracted.is_(False))
            .group_by(model.session_id)
        ).all()
    return len(sessions)


def best(work) -> tuple[float, object]:
    """The fastest of a few runs of `work`, with its result; the session is reset between."""
    times, result = [], None
    for _ in range(REPEATS):
        db.session.expunge_all()
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    """Fill, add faults, time the flags and the floor, print the figures."""
    from flask_babel import force_locale

    from observations.review.quality import session_flags

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        fill(url, tmp, args.sessions * PER_SESSION)
        app = app_on(url, tmp)
        with app.test_request_context(), force_locale("en"):
            add_faults()
            study = db.session.scalar(sa.select(Study).filter_by(slug="bench"))
            floor_seconds, covered = best(lambda: floor(study))
            seconds, found = best(lambda: session_flags(study))
            codes: dict[str, int] = {}
            for flags in found.values():
                for flag in flags:
                    codes[flag.code] = codes.get(flag.code, 0) + 1
    print(f"{covered} sessions; flags: {dict(sorted(codes.items()))}")
    print(
        f"sessions={covered} flagged={len(found)} seconds={seconds:.3f} "
        f"floor_seconds={floor_seconds:.3f} ratio={seconds / floor_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
