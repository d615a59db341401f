"""Where a sync's time goes, stage by stage, and how far a faster data layer could take it.

bench/load.py's ratio (syncs a second against GET /healthz) is short of its goal of 0.4.
This splits a sync of bench/load.py's mix (in one process, with the test client and the
phones' API tokens, as bench/instructions.py runs it) into the time spent in:

- the database driver (the DBAPI's execute, executemany and commit: the database's own work,
  on SQLite with the writer's turn of sqlite_writes.py);
- SQLAlchemy's execution layer (Connection.execute, beyond the driver's time in it);
- the ORM session's commit (beyond the statements and the driver's commit it runs);
- the checks of each record (sync/parse.py), the caller's look-up (its statement counts in
  the two above), the indicator facts of sessions that end, the batch's own code (bulk.py,
  store.py), reading the JSON body, the JSON answer;
- everything else: the request's way through gunicorn's WSGI environment (here the test
  client's), Flask, the API limit, the security headers; mostly what a /healthz pays too.

Each time is exclusive: a stage's time leaves out the stages it calls. Then it prints the
ratio of a /healthz to a sync, and the ratio a sync would have if SQLAlchemy's execution
layer and the ORM's commit took no time at all: the most that running the sync's statements
through the driver by hand could give, in one process.

    python bench/sync_stages.py [--syncs N] [--database-url URL] [--statements K] [--replay]

--statements K also lists the K statements that cost a sync most of the driver's time.

--replay (SQLite) measures the database's own work apart from everything above it: the
driver calls of the timed syncs (every statement with its parameters as the driver got them,
every commit) are recorded, then run again, in order and without Python's layers, straight
on sqlite3 against a copy of the database as it was before the syncs (SQLite's backup API),
with the app's pragmas. It prints what that costs a sync, the ratio of a sync that did
nothing beyond a /healthz but its database work (the most any code above the database could
reach), and how much of its own work (checks, SQLAlchemy, facts, limits, JSON) a sync may
keep for a ratio of 0.4.

Last line: `syncs=N sync_us=… healthz_us=… ratio=… without_sqlalchemy_ratio=…` (with
--replay also `database_alone_us=… database_alone_ratio=…`). Wall time in one thread: on a
busy machine the figures wander, the shares less so.
"""

import argparse
import importlib
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import app_on  # noqa: E402
from bench.in_process import Phones  # noqa: E402
from bench.load import drop_everything, fresh_installation  # noqa: E402
from observations.database import _sqlite_pragmas  # noqa: E402
from observations.extensions import db  # noqa: E402

# As bench/load.py: 50 phones, each within the API limit (600 a minute) however fast this runs.
CLIENTS = 50
WARM = 300
# The ratio bench/load.py's goal asks for.
GOAL = 0.4


class Stages:
    """Exclusive wall time per stage: a wrapped call's time, less that of the wrapped calls
    inside it."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.stack: list[list[float]] = []  # per open call: [the time its children took]

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            self.stack.append([0.0])
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                children = self.stack.pop()[0]
                self.seconds[stage] = self.seconds.get(stage, 0.0) + took - children
                if self.stack:
                    self.stack[-1][0] += took

        setattr(owner, name, timed)


class Statements:
    """The driver's time per statement of a sync, by the first words of its SQL: to find
    the statement behind a driver's share that grew. (It found a plan PostgreSQL had kept
    from the tables' first minute, costing a tenth of a sync; README, *Benchmarks*.)"""

    WIDTH = 90

    def __init__(self):
        self.seen: dict[str, list] = {}  # SQL -> [executions, seconds]

    def wrap(self, dialect) -> None:
        """Time the dialect's calls of the driver that run a statement."""
        for name in ("do_execute", "do_executemany", "do_execute_no_params"):
            self._wrap(dialect, name)

    def _wrap(self, dialect, name: str) -> None:
        original = getattr(dialect, name)

        def timed(cursor, statement, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(cursor, statement, *args, **kwargs)
            finally:
                key = " ".join(statement.split())[: self.WIDTH]
                entry = self.seen.setdefault(key, [0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - started

        setattr(dialect, name, timed)

    def report(self, syncs: int, top: int) -> None:
        """Print the `top` statements by their driver time per sync."""
        print(f"{'µs/sync':>8} {'runs/sync':>9} {'µs each':>8}  statement")
        for statement, (runs, seconds) in sorted(self.seen.items(), key=lambda i: -i[1][1])[:top]:
            print(
                f"{seconds / syncs * 1e6:8.0f} {runs / syncs:9.2f} {seconds / runs * 1e6:8.0f}"
                f"  {statement}"
            )
        self.seen.clear()


class Replay:
    """The driver calls of the timed syncs, recorded, then run again straight on sqlite3
    against a copy of the database taken before them: the database's own work alone."""

    def __init__(self, database: Path, copy: Path):
        self.database = database
        self.copy = copy
        self.calls: list[tuple] = []  # (how, statement, parameters), in order
        self.recording = False

    def snapshot(self) -> None:
        """Copy the database as it is now (the backup API: consistent, WAL and all)."""
        source, target = sqlite3.connect(self.database), sqlite3.connect(self.copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def wrap(self, dialect) -> None:
        """Record the dialect's calls of the driver while `recording`."""
        for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit"):
            self._wrap(dialect, name)

    def _wrap(self, dialect, name: str) -> None:
        original = getattr(dialect, name)

        def recorded(target, *args, **kwargs):
            if self.recording:
                statement = args[0] if name != "do_commit" else None
                parameters = args[1] if name in ("do_execute", "do_executemany") else None
                self.calls.append((name, statement, parameters))
            return original(target, *args, **kwargs)

        setattr(dialect, name, recorded)

    def seconds(self) -> float:
        """Run the recorded calls on the copy, in order; their time in all."""
        connection = sqlite3.connect(self.copy)
        _sqlite_pragmas(connection, None)
        try:
            started = time.perf_counter()
            for name, statement, parameters in self.calls:
                if name == "do_commit":
                    connection.commit()
                elif name == "do_executemany":
                    connection.executemany(statement, parameters).fetchall()
                elif parameters is None:
                    connection.execute(statement).fetchall()
                else:
                    connection.execute(statement, parameters).fetchall()
            connection.commit()
            return time.perf_counter() - started
        finally:
            connection.close()


def instrument(stages: Stages, dialect) -> None:
    """Wrap the stages' functions (the driver's through the engine's dialect)."""
    from flask.json.provider import DefaultJSONProvider
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    from observations import sync, tokens
    from observations.api import routes

    # The module, not the function of the same name the package exports.
    refresh = importlib.import_module("observations.indicators.facts.refresh")

    for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit"):
        stages.wrap(dialect, name, "database driver")
    stages.wrap(Connection, "execute", "SQLAlchemy execution layer")
    stages.wrap(Session, "commit", "ORM session commit")
    stages.wrap(sync, "_checked", "record checks (parse.py)")
    stages.wrap(tokens, "user_for_token", "caller look-up (tokens.py)")
    stages.wrap(refresh, "refresh", "indicator facts of ended sessions")
    stages.wrap(sync, "_batch", "the batch's own code (bulk, store)")
    stages.wrap(routes, "_request_json", "reading the JSON body")
    stages.wrap(DefaultJSONProvider, "response", "the JSON answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syncs", type=int, default=3000, choices=range(100, 100001), metavar="N")
    parser.add_argument("--database-url", help="an empty database (default: SQLite, fresh)")
    parser.add_argument(
        "--statements",
        type=int,
        default=0,
        metavar="K",
        help="also print the K statements that cost a sync most driver time",
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="also time the syncs' statements run again straight on sqlite3 (SQLite only)",
    )
    args = parser.parse_args()
    if args.replay and args.database_url:
        parser.error("--replay runs on SQLite only: leave out --database-url")
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="terloops-stages-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        url = args.database_url or f"sqlite:///{instance}/terloops.db"
        plain_tokens, sites = fresh_installation(url, str(instance), CLIENTS)
        app = app_on(url, str(instance))
        phones = Phones(app.test_client(), plain_tokens, sites, WARM + args.syncs)
        phones.sync(0, WARM)
        phones.healthz(WARM)
        with app.app_context():
            dialect = db.engine.dialect
        statements = Statements()
        if args.statements:
            statements.wrap(dialect)  # inside the driver's stage: its time stays the driver's
        replay = Replay(instance / "terloops.db", Path(tmp) / "replay.db")
        if args.replay:
            replay.wrap(dialect)
            replay.snapshot()
            replay.recording = True
        stages = Stages()
        instrument(stages, dialect)
        started = time.perf_counter()
        phones.sync(WARM)
        sync_seconds = (time.perf_counter() - started) / args.syncs
        replay.recording = False
        per_sync = {stage: seconds / args.syncs for stage, seconds in stages.seconds.items()}
        stages.seconds.clear()
        if args.statements:
            statements.report(args.syncs, args.statements)
        started = time.perf_counter()
        phones.healthz(args.syncs)
        healthz_seconds = (time.perf_counter() - started) / args.syncs
        per_healthz = {stage: seconds / args.syncs for stage, seconds in stages.seconds.items()}
        if args.database_url:
            with app.app_context():
                drop_everything()
                db.engine.dispose()
        alone = replay.seconds() / args.syncs if args.replay else None
    if alone is not None:
        driver = per_sync["database driver"] - per_healthz.get("database driver", 0)
        report_replay(len(replay.calls) / args.syncs, sync_seconds, healthz_seconds, alone, driver)
    report(args.syncs, sync_seconds, healthz_seconds, per_sync, per_healthz, alone)


def report_replay(calls, sync_seconds, healthz_seconds, alone, driver) -> None:
    """What the database's own work costs a sync, and what that leaves the rest of it.

    `alone` is the replay's time, on caches warmed by nothing but the database (the least the
    work can cost); `driver` is the driver's time inside the syncs, its caches shared with
    the Python around it (the most, with a wrapper's microseconds besides).
    """
    own = sync_seconds - healthz_seconds - alone
    allowed = healthz_seconds / GOAL - healthz_seconds - alone
    print(
        f"the database alone: {calls:.1f} driver calls a sync, run again on sqlite3: "
        f"{alone * 1e6:.0f} µs a sync ({alone / sync_seconds:.1%} of it); inside the "
        f"syncs the driver took {driver * 1e6:.0f} µs"
    )
    print(
        "a sync doing nothing beyond a /healthz but its database work: ratio "
        f"{healthz_seconds / (healthz_seconds + alone):.3f} (replayed), "
        f"{healthz_seconds / (healthz_seconds + driver):.3f} (as the driver took it in the syncs)"
    )
    print(
        f"the sync's own work beyond both (replayed): {own * 1e6:.0f} µs; a ratio of {GOAL} "
        f"leaves it {allowed * 1e6:.0f} µs ({allowed / own:.0%} of today's)"
    )


def report(syncs, sync_seconds, healthz_seconds, per_sync, per_healthz, alone=None) -> None:
    """Print the stages of a sync and of a /healthz, then the figures' line."""
    print(f"{'stage':36} {'sync µs':>8} {'share':>6} {'/healthz µs':>12}")
    rest_sync = sync_seconds - sum(per_sync.values())
    rest_healthz = healthz_seconds - sum(per_healthz.values())
    rows = sorted(per_sync.items(), key=lambda item: -item[1])
    rows.append(("the request and the rest", rest_sync))
    for stage, seconds in rows:
        other = rest_healthz if stage == "the request and the rest" else per_healthz.get(stage, 0)
        print(f"{stage:36} {seconds * 1e6:8.0f} {seconds / sync_seconds:6.1%} {other * 1e6:12.0f}")
    print(f"{'together':36} {sync_seconds * 1e6:8.0f} {1:6.1%} {healthz_seconds * 1e6:12.0f}")
    layer = per_sync.get("SQLAlchemy execution layer", 0) + per_sync.get("ORM session commit", 0)
    layer_healthz = per_healthz.get("SQLAlchemy execution layer", 0) + per_healthz.get(
        "ORM session commit", 0
    )
    without = (healthz_seconds - layer_healthz) / (sync_seconds - layer)
    replayed = (
        ""
        if alone is None
        else f" database_alone_us={alone * 1e6:.0f}"
        f" database_alone_ratio={healthz_seconds / (healthz_seconds + alone):.3f}"
    )
    print(
        f"syncs={syncs} sync_us={sync_seconds * 1e6:.0f} healthz_us={healthz_seconds * 1e6:.0f} "
        f"ratio={healthz_seconds / sync_seconds:.3f} without_sqlalchemy_ratio={without:.3f}"
        + replayed
    )


if __name__ == "__main__":
    main()
