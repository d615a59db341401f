"""N fieldworkers' phones syncing at once through gunicorn, against a floor of GET /healthz.

Starts the app the way docs/deploy.md does (gunicorn, gthread workers: 2 × 8 threads on
PostgreSQL, 8 single-threaded ones loaded once by --preload on SQLite; a fresh instance
folder, the schema by `flask db upgrade`'s migrations) on a free port of 127.0.0.1, with a
study of five sites and one fieldworker per client. Each client logs in through the login
form as the fieldworker does on the phone, and syncs as sync.js does, with the session
cookie and the CSRF token (`--auth token`: with a personal API token, as another program
would). Then, with one thread and one keep-alive connection per client, after a warm-up in
which every client syncs a short session from start to end and starts its next (untimed: a
server in use has run every query before, and built the statements it keeps):

1. the floor: every client asks GET /healthz (the app's cheapest route: one SELECT 1)
   as fast as it is answered, for S seconds in all;
2. the load: every client is a phone draining its outbox as sync.js does, as fast as it is
   answered, for S seconds in all: it starts a session, sends its scans, encounters and notes in
   the batches a phone makes (mostly 1–3 records just tapped, now and then a scan of every
   zone, sometimes a backlog of 15–60 after a spell without signal) and ends the session
   (the session again, revision 2), then starts the next. One batch in ten is sent twice,
   as a phone does when the answer is lost: the second time every record must be
   "duplicate".
   A phone's own work is not the server's: each client makes its batches and their JSON
   before the phase, and reads the answers after it.

The two take turns, R times (--rounds, default 4), each for S / R seconds: the machines
here are shared, and their speed drifts within minutes (the floor alone went from 657 to
1,051 requests a second between two runs); one whole phase after the other measured the
floor and the load in different spells. By turns, a drift slows both alike; whole runs
still differ (seven of the same code: ratios 0.23–0.29), so compare several.

With --history H, each phone's H past sessions (whole days of 40–90 records, sent as a
phone sends a day it kept without signal) are stored through the sync service before
gunicorn starts: a database in use holds months of records, and a sync costs more as the
tables and their indexes grow (in three runs on empty tables, the last round's ratio was
the lowest).

Afterwards the rows in the database are counted against what was sent: `lost` are records
acknowledged (created, updated, duplicate) but missing, or sessions acknowledged as ended
but stored open; `duplicates` are rows beyond one per record sent (also flags and scan
counts beyond those sent). `errors` are failed requests, answers other than 200 and records
whose status is not the one expected. gunicorn is stopped at the end, also on failure.

    python bench/load.py [--clients N] [--seconds S] [--database-url URL] [--rounds R]
                         [--history H] [--workers W] [--threads T] [--pause-ms P]
                         [--auth cookie|token]

Last line: `clients=N requests=… errors=0 lost=0 duplicates=0 p99_ms=… rps=… floor_rps=…
ratio=…`, where requests, p99_ms and rps are those of the sync, and ratio = rps / floor_rps.
The clients never pause (unless --pause-ms), so both figures are what the server manages;
with N clients always waiting, a request's time is N / rps on average (Little's law).
--pause-ms P makes every client wait ~P ms between requests, as phones do between taps: p99
then shows a request's time at that pace, and the ratio only whether the server kept up.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import app_on  # noqa: E402
from observations import accounts, studies, tokens  # noqa: E402
from observations.extensions import db  # noqa: E402
from observations.models import Encounter, FieldNote, Scan, Session, Site, User, Zone  # noqa: E402
from observations.sync import Owner, sync_records  # noqa: E402

SITES = 5
ZONES_PER_SITE = 3
RETRY_SHARE = 0.1
# docs/deploy.md's SQLite set-up: single-threaded workers, four per core of the machine it
# was measured on (2 cores).
SQLITE_WORKERS = 8
PASSWORD = "load-password-1"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# The login form's hidden CSRF field, as templates/auth/login.html renders it.
FORM_TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
# gunicorn's PostgreSQL connections name themselves so, to find their server processes.
APPLICATION_NAME = "terloops-load"
# Bounds: no run sends more than this many requests per client and phase, or waits longer
# than this for one answer.
MAX_REQUESTS_PER_CLIENT = 100_000
TIMEOUT_SECONDS = 30
# Syncs each client makes before the load phase: per second of the phase, and at most.
PREPARED_PER_SECOND = 20
PREPARED_AT_MOST = 3000
# The phones' past sessions (--history) come from phones of their own, so that their UUIDs
# are not those the benchmark's phones make.
HISTORY_SEED = 1_000_000
EXPECTED_FIRST = {1: "created", 2: "updated"}  # a record's status the first time, by revision
ENCOUNTER_TYPES = ("eye_contact", "greeting", "short_chat", "conversation", "help")
PARTIES = ("visitor_visitor", "visitor_staff", "visitor_trader")
RELATIONS = ("strangers", "recognised", "acquaintances")
FLAGS = ("across_ages", "different_company", "via_object")
NOTES = (
    "Veel vaste klanten bij de groentekraam.",
    "Regenbui; de meeste bezoekers schuilen onder de luifel.",
    "Activiteit in de leeszaal trekt ouders met jonge kinderen.",
)


# -- the installation ------------------------------------------------------------------------


def fresh_installation(url: str, instance: str, clients: int) -> tuple[list[str], list[dict]]:
    """An empty database brought up by the migrations, a study, its sites and fieldworkers.

    Returns the fieldworkers' API tokens and the sites ({"id", "zones"}).
    """
    from flask_migrate import upgrade

    app = app_on(url, instance)
    with app.app_context():
        if someone_elses(db.engine):
            raise SystemExit(
                "The database holds accounts this benchmark did not make; it would delete "
                "them. Give --database-url an empty database."
            )
        drop_everything()
        upgrade(directory=str(ROOT / "migrations"))
        study = studies.create_study("Belasting", "belasting")
        sites = []
        for number in range(SITES):
            site = Site(
                study_id=study.id,
                name=f"Markt {number + 1}",
                kind="market",
                zones=[Zone(name=f"Rij {z + 1}") for z in range(ZONES_PER_SITE)],
            )
            db.session.add(site)
            sites.append(site)
        plain_tokens = []
        for number in range(clients):
            user = accounts.create_user(username(number), PASSWORD)
            accounts.add_member(study, user, "fieldworker")
            _token, plain = tokens.create_token(user, "load")
            plain_tokens.append(plain)
        db.session.commit()
        made = [{"id": s.id, "zones": [z.id for z in s.zones]} for s in sites]
        db.session.remove()
        db.engine.dispose()
    return plain_tokens, made


@dataclass
class History:
    """The past sessions stored before the run (--history): their records' UUIDs, and the
    child rows they made, which the count afterwards expects besides those of the run."""

    uuids: set[str] = field(default_factory=set)
    children: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def note(self, records: list[dict]) -> None:
        """Remember stored records and the child rows they made."""
        for record in records:
            self.uuids.add(record["uuid"])
            self.children["encounter_flags"] += len(record.get("flags", []))
            if record["kind"] == "scan":
                self.children["scan_counts"] += sum(len(c) for c in record["counts"].values())


def seed_history(url: str, instance: str, sites: list[dict], clients: int, per_client: int):
    """Store `per_client` past sessions of each fieldworker through the sync service, in
    this process: a database in use holds months of records, and a sync costs more as its
    tables and indexes grow.

    On PostgreSQL the tables are analysed after each day's sessions, as autovacuum does on a
    server in use (this machine's PostgreSQL runs with autovacuum off): without statistics,
    the plans PostgreSQL keeps for the sync's statements were made for empty tables, and each
    past session took longer to store than the one before.
    """
    history = History()
    if not per_client:
        return history
    started_seeding = time.perf_counter()
    app = app_on(url, instance)
    with app.app_context():
        ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
        phones = [Phone(HISTORY_SEED + n, sites[n % len(sites)]) for n in range(clients)]
        now = datetime.now(UTC).replace(microsecond=0)
        for day in range(per_client):
            for number, phone in enumerate(phones):
                records = phone.past_session(now - timedelta(days=day + 1, hours=3))
                results = sync_records(Owner(ids[username(number)]), records)
                wrong = [r for r in results if r["status"] != "created"]
                if wrong:
                    raise SystemExit(f"history: a past record was not stored: {wrong[0]}")
                history.note(records)
            analyse(db.engine)
        db.session.remove()
        db.engine.dispose()
    history.seconds = time.perf_counter() - started_seeding
    return history


def analyse(engine) -> None:
    """On PostgreSQL, gather the tables' statistics, as autovacuum does after they grew."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def autovacuum_off(url: str) -> bool:
    """Whether the PostgreSQL server at `url` runs without autovacuum (False for SQLite)."""
    if not url.startswith("postgresql"):
        return False
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        return connection.exec_driver_sql("SHOW autovacuum").scalar() == "off"


def username(number: int) -> str:
    """The username of the benchmark's `number`-th fieldworker."""
    return f"veldwerker{number:03d}"


def someone_elses(engine) -> bool:
    """Whether the database holds accounts other than this benchmark's fieldworkers."""
    if not sa.inspect(engine).has_table("users"):
        return False
    with engine.connect() as connection:
        others = sa.text("SELECT count(*) FROM users WHERE username NOT LIKE 'veldwerker%'")
        return bool(connection.execute(others).scalar())


def drop_everything() -> None:
    """Drop every table of the app's database, Alembic's version table included."""
    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving app:app on 127.0.0.1, started as in docs/deploy.md; stopped on exit."""

    def __init__(self, url: str, instance: str, workers: int, threads: int, preload: bool):
        self.port = free_port()
        if url.startswith("postgresql"):
            url += ("&" if "?" in url else "?") + f"application_name={APPLICATION_NAME}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "load-bench",
            "TERLOOPS_INSTANCE_PATH": instance,
            # Counted as in production (api/limits.py), but never reached: the clients send
            # as fast as they are answered, a pace no phone keeps, and all N log in at once
            # from one address.
            "TERLOOPS_API_LIMITS": "1000000 per minute",
            "TERLOOPS_LOGIN_LIMITS": "1000000 per minute",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
            *(["--preload"] if preload else []),
            "app:app",
        ]
        # Its own process group: stop() ends the master and its workers, nothing else.
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)

    def wait_ready(self, seconds: float = 60) -> None:
        """Wait until /healthz answers 200, or fail."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn ended at start-up (exit {self.process.returncode})")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not answer /healthz within {seconds:.0f} s")

    def stop(self) -> None:
        """TERM the master (it stops its workers), then KILL the group if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __enter__(self) -> "Gunicorn":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


# -- what a phone sends ----------------------------------------------------------------------


class Phone:
    """One fieldworker's phone: makes the records of its sessions in the batches sync.js sends."""

    def __init__(self, number: int, site: dict):
        self.rng = random.Random(number)
        self.site = site
        self.study = "belasting"

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _session(self, started: datetime) -> dict:
        """A session record that began at `started`, not yet ended."""
        rng = self.rng
        return {
            "uuid": self._uuid(),
            "kind": "session",
            "revision": 1,
            "study": self.study,
            "site": self.site["id"],
            "zones": self.site["zones"],
            "started_at": started.isoformat(),
            "ended_at": None,
            "weather": [rng.choice(("clouds_light", "sun_exposed", "rain_light"))],
            "temperature_c": rng.randint(4, 24),
            "crowding": rng.choice(("quiet", "moderate", "busy")),
            "programme": "none",
            "device_time": started.isoformat(),
        }

    @staticmethod
    def _end(session: dict, ended: datetime) -> dict:
        """The session's second revision: ended."""
        moment = ended.isoformat()
        return {**session, "revision": 2, "ended_at": moment, "device_time": moment}

    def short_session(self):
        """The batches of a session of one encounter, from its start to its end: the warm-up
        runs every kind of request once in every worker (a server in use has)."""
        started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
        session = self._session(started)
        yield [session]
        yield [self._encounter(session, started + timedelta(seconds=10))]
        ended = started + timedelta(seconds=30)
        yield [self._note(session, ended - timedelta(seconds=5)), self._end(session, ended)]

    def session_batches(self):
        """The batches of one session, from its start to its end (a generator)."""
        rng, zones = self.rng, self.site["zones"]
        # It began half an hour ago; its records follow ten seconds apart, up to its end.
        started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
        clock = iter(started + timedelta(seconds=10 * n) for n in range(1, 10_000))
        session = self._session(started)
        yield [session]
        children = 0
        goal = rng.randint(40, 90)
        while children < goal:
            share = rng.random()
            if share < 0.7:  # just tapped, sent after sync.js's 800 ms pause
                batch = [self._encounter(session, next(clock)) for _ in range(rng.randint(1, 3))]
            elif share < 0.9:  # a scan of every zone, and what was tapped meanwhile
                batch = [self._scan(session, zone, next(clock)) for zone in zones]
                batch += [self._encounter(session, next(clock)) for _ in range(rng.randint(0, 2))]
            else:  # the signal came back: the outbox holds what was tapped without it
                batch = [self._any(session, next(clock)) for _ in range(rng.randint(15, 60))]
            children += len(batch)
            yield batch
        ended = next(clock)
        yield [self._note(session, ended - timedelta(seconds=5)), self._end(session, ended)]

    def _any(self, session: dict, at: datetime) -> dict:
        share = self.rng.random()
        if share < 0.8:
            return self._encounter(session, at)
        if share < 0.97:
            return self._scan(session, self.rng.choice(self.site["zones"]), at)
        return self._note(session, at)

    def _encounter(self, session: dict, at: datetime) -> dict:
        rng = self.rng
        return {
            "uuid": self._uuid(),
            "kind": "encounter",
            "revision": 1,
            "session": session["uuid"],
            "zone": rng.choice(self.site["zones"]),
            "occurred_at": at.isoformat(),
            "encounter_type": rng.choice(ENCOUNTER_TYPES),
            "parties": rng.choice(PARTIES),
            "relation": rng.choice(RELATIONS),
            "flags": rng.sample(FLAGS, rng.choice((0, 0, 0, 1, 1, 2))),
            "device_time": at.isoformat(),
        }

    def _scan(self, session: dict, zone: int, at: datetime) -> dict:
        # Counts that obey the scan's arithmetic (scan_rules.py); none is zero.
        rng = self.rng
        young, adults, elderly = rng.randint(1, 6), rng.randint(1, 20), rng.randint(1, 9)
        people = young + adults + elderly
        men = rng.randint(1, people - 1)
        return {
            "uuid": self._uuid(),
            "kind": "scan",
            "revision": 1,
            "session": session["uuid"],
            "zone": zone,
            "observed_at": at.isoformat(),
            "counts": {
                "age": {"0-14": young, "25-64": adults, "65+": elderly},
                "gender": {"man": men, "woman": people - men},
                "activity": {"buying_selling": rng.randint(1, people)},
            },
            "conditions": ["accessible", "usable"],
            "device_time": at.isoformat(),
        }

    def _note(self, session: dict, at: datetime) -> dict:
        return {
            "uuid": self._uuid(),
            "kind": "note",
            "revision": 1,
            "session": session["uuid"],
            "written_at": at.isoformat(),
            "text": self.rng.choice(NOTES),
            "device_time": at.isoformat(),
        }

    def batches(self):
        """Batches without end: one session after the other."""
        while True:
            yield from self.session_batches()

    def past_session(self, started: datetime) -> list[dict]:
        """A whole session of the past, as a phone sends one it kept all day without signal:
        the session, already ended, then its scans, encounters and notes."""
        session = self._session(started)
        clock = iter(started + timedelta(seconds=10 * n) for n in range(1, 10_000))
        records = [self._any(session, next(clock)) for _ in range(self.rng.randint(40, 90))]
        ended = next(clock).isoformat()
        return [{**session, "ended_at": ended, "device_time": ended}, *records]


# -- the clients -----------------------------------------------------------------------------


@dataclass
class Ledger:
    """What one client sent and what the server acknowledged."""

    sent: dict[str, dict] = field(default_factory=dict)  # uuid -> its latest record sent
    # Each sync sent and its answer, checked once the phase is over (check_answers).
    answers: list[tuple[list[dict], bool, tuple | None]] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # uuid -> revision acknowledged
    seconds: list[float] = field(default_factory=list)  # each request's time
    sizes: list[int] = field(default_factory=list)  # each sync request's number of records
    errors: list[str] = field(default_factory=list)


class Client:
    """One simulated phone with one keep-alive connection to the server.

    With a username it logs in as a fieldworker does on the phone, through the login form,
    and syncs as sync.js does: with the session cookie and the CSRF token. Without, it syncs
    with its personal API token, as another program would.
    """

    def __init__(
        self, port: int, token: str, phone: Phone, pause: float = 0.0, user: str | None = None
    ):
        self.port = port
        self.pause = pause
        self.user = user
        self.cookies: dict[str, str] = {}
        # The token, or once logged in the CSRF token, sent with every sync.
        self.credentials = {"Authorization": f"Bearer {token}"} if user is None else {}
        self.phone = phone
        self.batches = phone.batches()
        # The syncs to send next, made before the phase (prepare): (batch, body, retry).
        self.prepared: deque[tuple[list[dict], bytes, bool]] = deque()
        self.connection: http.client.HTTPConnection | None = None
        self.floor = Ledger()
        self.load = Ledger()
        self.warm_records = 0

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None,
        ledger: Ledger,
        headers: dict | None = None,
        credentials: bool | None = None,
    ):
        """One request on the kept connection; (status, body) or None after an error.

        With `credentials` (by default: a request with a body, a sync) it carries the phone's
        cookies and its token or CSRF header; the floor's GET /healthz carries none, as a
        proxy's health check does.
        """
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, TIMEOUT_SECONDS)
        sent = dict(headers or {})
        if body is not None if credentials is None else credentials:
            sent.update(self.credentials)
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body, sent)
            response = self.connection.getresponse()
            answer = response.read()
            self._keep_cookies(response)
        except (OSError, http.client.HTTPException) as error:
            ledger.seconds.append(time.perf_counter() - started)
            ledger.errors.append(f"{method} {path}: {type(error).__name__}: {error}")
            self.connection.close()
            self.connection = None
            return None
        ledger.seconds.append(time.perf_counter() - started)
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, answer

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        """Keep the cookies the server sets, and forget those it deletes, as a browser does."""
        for header in response.msg.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def log_in(self) -> None:
        """Log in through the login form ("stay logged in" ticked, as it is by default) and
        fetch the CSRF token that sync.js sends with every sync; a failure ends the run."""
        ledger = Ledger()
        page = self._request("GET", "/login", None, ledger, credentials=True)
        found = FORM_TOKEN.search(page[1]) if page else None
        if found is None:
            raise SystemExit(f"{self.user}: no login form ({ledger.errors or page[0]})")
        form = {"username": self.user, "password": PASSWORD, "remember": "y"}
        body = urlencode({**form, "csrf_token": found.group(1).decode()}).encode()
        answer = self._request("POST", "/login", body, ledger, FORM)
        if answer is None or answer[0] != 302 or "session" not in self.cookies:
            raise SystemExit(f"{self.user}: the login was refused ({ledger.errors or answer})")
        answer = self._request("GET", "/api/v1/csrf-token", None, ledger, credentials=True)
        if answer is None or answer[0] != 200:
            raise SystemExit(f"{self.user}: no CSRF token ({ledger.errors or answer})")
        self.credentials["X-CSRFToken"] = json.loads(answer[1])["csrf_token"]

    def run_warm(self, start: threading.Barrier, _deadline: list[float]) -> None:
        """Log in (a phone), open the connection, sync a short session and start the next:
        every worker has run every kind of sync."""
        if self.user is not None:
            self.log_in()
        start.wait()
        warm = [*self.phone.short_session(), next(self.batches)]
        for batch in warm:
            self._sync((batch, _body(batch), False))
        self.check_answers()
        self.load.seconds.clear()  # not timed: a server that has run for a while is warm
        self.load.sizes.clear()
        self.warm_records = sum(len(batch) for batch in warm)

    def prepare(self, count: int) -> None:
        """Make the next `count` syncs, bodies and retries included, before the phase.

        The phones' own work (making records, writing JSON, reading the answers) is theirs,
        not the server's: done during the phase, on the server's two cores, it took a sync
        more than twice the client CPU of a GET /healthz, and the server's share with it.
        """
        for _ in range(count):
            batch = next(self.batches)
            body = _body(batch)
            self.prepared.append((batch, body, False))
            if self.phone.rng.random() < RETRY_SHARE:
                self.prepared.append((batch, body, True))

    def _next_sync(self) -> tuple[list[dict], bytes, bool]:
        """The next prepared sync; one made now if the prepared ones ran out."""
        if not self.prepared:
            self.prepare(1)
        return self.prepared.popleft()

    def run_floor(self, start: threading.Barrier, deadline: list[float]) -> None:
        """GET /healthz until the deadline."""
        start.wait()
        self._stagger()
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= deadline[0]:
                return
            answer = self._request("GET", "/healthz", None, self.floor)
            if answer is not None and (answer[0] != 200 or b'"ok"' not in answer[1]):
                self.floor.errors.append(f"/healthz: HTTP {answer[0]} {answer[1][:200]!r}")
            self._wait()

    def run_load(self, start: threading.Barrier, deadline: list[float]) -> None:
        """Send the phone's batches (some twice) until the deadline."""
        start.wait()
        self._stagger()
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= deadline[0]:
                return
            self._sync(self._next_sync())
            self._wait()

    def _stagger(self) -> None:
        """With --pause-ms: start after a random part of the pause. Phones are not in step:
        without this all N would send at the same instant when a phase starts, a burst no
        fieldwork makes."""
        if self.pause:
            time.sleep(self.pause * self.phone.rng.random())

    def _wait(self) -> None:
        """With --pause-ms: wait half to one and a half times the pause before the next request."""
        if self.pause:
            time.sleep(self.pause * (0.5 + self.phone.rng.random()))

    def _sync(self, prepared: tuple[list[dict], bytes, bool]) -> None:
        """POST one batch; its answer is kept, to be checked after the phase."""
        batch, body, retry = prepared
        ledger = self.load
        ledger.sizes.append(len(batch))
        answer = self._request("POST", "/api/v1/sync", body, ledger, JSON)
        ledger.answers.append((batch, retry, answer))

    def check_answers(self) -> None:
        """Note what was sent, and check each record's status in the answers kept."""
        ledger = self.load
        for batch, retry, answer in ledger.answers:
            for record in batch:
                ledger.sent[record["uuid"]] = record
            if answer is None:
                continue
            status, content = answer
            if status != 200:
                ledger.errors.append(f"sync: HTTP {status} {content[:300]!r}")
                continue
            results = json.loads(content)["results"]
            wrong = []
            for record, result in zip(batch, results, strict=True):
                expected = "duplicate" if retry else EXPECTED_FIRST[record["revision"]]
                if result["uuid"] == record["uuid"] and result["status"] == expected:
                    ledger.acknowledged[record["uuid"]] = record["revision"]
                else:
                    wrong.append(f"{record['kind']} {result['status']} (expected {expected})")
                    if "errors" in result:
                        wrong.append(json.dumps(result["errors"])[:300])
            if wrong:
                ledger.errors.append("sync: " + "; ".join(wrong))
        ledger.answers.clear()


def _body(batch: list[dict]) -> bytes:
    """A sync request's body, as sync.js sends it."""
    return json.dumps({"records": batch}).encode()


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(process_group: int, database_pids: set[int]) -> dict:
    """CPU seconds used so far by the server (gunicorn's process group), each of the
    database server's processes that serve it ({pid: seconds}) and this process (the
    clients), read from /proc."""
    used = {"server": 0.0, "database": {}}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        if int(fields[2]) == process_group:
            used["server"] += ticks / TICK
        elif name == "postgres" and int(stat.parent.name) in database_pids:
            used["database"][int(stat.parent.name)] = ticks / TICK
    times = os.times()
    used["clients"] = times.user + times.system
    return used


def backends(url: str) -> set[int]:
    """The PostgreSQL server processes serving the benchmark's gunicorn (none for SQLite)."""
    if not url.startswith("postgresql"):
        return set()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        query = "SELECT pid FROM pg_stat_activity WHERE application_name = :name"
        return set(connection.execute(sa.text(query), {"name": APPLICATION_NAME}).scalars())


def run_phase(clients: list[Client], phase: str, seconds: float, cpu: dict | None = None) -> float:
    """Run every client's `phase` ("warm", "floor", "load") at once; the phase's wall seconds.

    With `cpu` (holding "group": gunicorn's process group), the CPU seconds the phase cost
    the server, the database server and the clients are added to its figures for `phase`."""
    start = threading.Barrier(len(clients) + 1)
    deadline = [float("inf")]
    threads = [
        threading.Thread(target=getattr(c, f"run_{phase}"), args=(start, deadline), daemon=True)
        for c in clients
    ]
    for thread in threads:
        thread.start()
    before = cpu_seconds(cpu["group"], cpu["backends"]()) if cpu is not None else {}
    start.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    for thread in threads:
        thread.join(seconds + 2 * TIMEOUT_SECONDS)
    if any(thread.is_alive() for thread in threads):
        raise SystemExit(f"{phase}: a client is still waiting for an answer; giving up")
    wall = time.perf_counter() - began
    if cpu is not None:
        after = cpu_seconds(cpu["group"], cpu["backends"]())
        used = cpu.setdefault(phase, {"server": 0.0, "clients": 0.0, "database": 0.0})
        for part in ("server", "clients"):
            used[part] += after[part] - before[part]
        # A database process that ended meanwhile is not counted (its CPU is gone from
        # /proc; subtracting what it had used before made the figure negative), one that
        # began meanwhile is counted whole.
        used["database"] += sum(
            seconds - before["database"].get(pid, 0.0) for pid, seconds in after["database"].items()
        )
    return wall


# -- the count afterwards --------------------------------------------------------------------


def count_rows(
    url: str, instance: str, clients: list[Client], history: History
) -> tuple[int, int, dict]:
    """(lost, duplicates, rows per table) of the records the clients sent; the past sessions
    stored before the run (`history`) are expected besides."""
    sent = {u: r for c in clients for u, r in c.load.sent.items()}
    acknowledged = {u: rev for c in clients for u, rev in c.load.acknowledged.items()}
    app = app_on(url, instance)
    lost = duplicates = 0
    rows = {}
    with app.app_context():
        stored: set[str] = set()
        for model in (Session, Scan, Encounter, FieldNote):
            uuids = list(db.session.scalars(sa.select(model.uuid)))
            rows[model.__tablename__] = len(uuids)
            duplicates += len(uuids) - len(set(uuids))
            stored.update(uuids)
        duplicates += len(stored - set(sent) - history.uuids)  # rows nobody sent
        lost += len(set(acknowledged) - stored)
        ended = set(db.session.scalars(sa.select(Session.uuid).where(Session.ended_at.isnot(None))))
        lost += sum(1 for u, rev in acknowledged.items() if rev == 2 and u not in ended)
        # Child rows: one per flag and per scan count sent, of the records stored.
        children = {
            "encounter_flags": sum(len(r.get("flags", [])) for u, r in sent.items() if u in stored),
            "scan_counts": sum(
                len(codes)
                for u, r in sent.items()
                if u in stored and r["kind"] == "scan"
                for codes in r["counts"].values()
            ),
        }
        for table, expected in children.items():
            expected += history.children[table]
            rows[table] = db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            duplicates += max(0, rows[table] - expected)
            lost += max(0, expected - rows[table])
        db.session.remove()
        db.engine.dispose()
    return lost, duplicates, rows


def prepared_syncs(seconds: float, pause_ms: float) -> int:
    """How many syncs each client makes before the load phase: more than it can send at the
    pace measured so far (under 10 a second against 50 clients), bounded in memory (at
    PREPARED_AT_MOST; a client that sends them all makes the rest as it goes)."""
    pace = PREPARED_PER_SECOND if not pause_ms else min(PREPARED_PER_SECOND, 2000 / pause_ms)
    return max(1, min(PREPARED_AT_MOST, math.ceil(seconds * pace)))


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    """Start gunicorn, run the floor and the load, count the rows, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, choices=range(1, 501), metavar="N")
    parser.add_argument("--seconds", type=float, default=20, help="per phase (at most 600)")
    parser.add_argument(
        "--database-url",
        help="an empty database, emptied again at the end (default: SQLite in a fresh "
        "instance folder); one with accounts of its own is refused",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn workers (default as docs/deploy.md: 2 on PostgreSQL, 8 on SQLite)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="threads per worker (default as docs/deploy.md: 8 on PostgreSQL, 1 on SQLite)",
    )
    parser.add_argument(
        "--auth",
        choices=("cookie", "token"),
        default="cookie",
        help="how the phones sync: logged in, with the session cookie and CSRF token as "
        "sync.js does (default), or with a personal API token as another program would",
    )
    parser.add_argument(
        "--pause-ms",
        type=float,
        default=0,
        help="each client waits about this long between requests (default 0: none); the "
        "ratio then says only whether the server kept up",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        choices=range(0, 1001),
        metavar="H",
        help="store H past sessions of 40–90 records for each phone before the run (default "
        "0: the run starts on empty tables)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        choices=range(1, 61),
        metavar="R",
        help="the floor and the load take turns R times, each for S / R seconds (default 4; "
        "1: the whole floor, then the whole load)",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        parser.error("--seconds: between 0 and 600")
    # docs/deploy.md: threads on PostgreSQL; on SQLite single-threaded workers, preloaded.
    sqlite = not args.database_url
    args.workers = args.workers or (SQLITE_WORKERS if sqlite else 2)
    args.threads = args.threads or (1 if sqlite else 8)
    args.preload = sqlite
    with tempfile.TemporaryDirectory(prefix="terloops-load-") as tmp:
        instance = str(Path(tmp) / "instance")
        url = args.database_url or f"sqlite:///{instance}/terloops.db"
        Path(instance).mkdir()
        plain_tokens, sites = fresh_installation(url, instance, args.clients)
        history = seed_history(url, instance, sites, args.clients, args.history)
        clients = [
            Client(
                0,
                token,
                Phone(number, sites[number % len(sites)]),
                args.pause_ms / 1000,
                username(number) if args.auth == "cookie" else None,
            )
            for number, token in enumerate(plain_tokens)
        ]
        with Gunicorn(url, instance, args.workers, args.threads, args.preload) as server:
            server.wait_ready()
            for client in clients:
                client.port = server.port
            run_phase(clients, "warm", args.seconds)
            cpu = {"group": server.process.pid, "backends": lambda: backends(url)}
            for client in clients:
                client.prepare(prepared_syncs(args.seconds, args.pause_ms))
            rounds = alternate(clients, args.seconds, args.rounds, cpu)
            for client in clients:
                client.check_answers()
            for client in clients:
                if client.connection is not None:
                    client.connection.close()
        lost, duplicates, rows = count_rows(url, instance, clients, history)
        if args.database_url:  # leave the database as empty as it was found
            app = app_on(url, instance)
            with app.app_context():
                drop_everything()
                db.engine.dispose()
    report(args, clients, rounds, lost, duplicates, rows, cpu, history)


def alternate(clients: list[Client], seconds: float, rounds: int, cpu: dict) -> list[dict]:
    """The floor and the load by turns, `rounds` times, each for seconds / rounds: a machine
    whose speed drifts (a neighbour's job starting or ending) then slows both alike, instead
    of the one that ran in the slow spell. Returns each round's figures."""
    done = []
    for _round in range(rounds):
        figures = {}
        for phase in ("floor", "load"):  # each phase's requests go to its own ledger
            before = sum(len(getattr(c, phase).seconds) for c in clients)
            wall = run_phase(clients, phase, seconds / rounds, cpu)
            after = sum(len(getattr(c, phase).seconds) for c in clients)
            figures[phase] = (after - before, wall)
        done.append(figures)
    return done


def report(args, clients, rounds, lost, duplicates, rows, cpu, history) -> None:
    """Print what happened, then the figures' line."""
    load = [s for c in clients for s in c.load.seconds]
    floor = [s for c in clients for s in c.floor.seconds]
    errors = [e for c in clients for e in c.floor.errors + c.load.errors]
    records = sum(len(c.load.sent) - c.warm_records for c in clients)
    floor_seconds = sum(r["floor"][1] for r in rounds)
    load_seconds = sum(r["load"][1] for r in rounds)
    rps, floor_rps = len(load) / load_seconds, len(floor) / floor_seconds
    print(
        f"gunicorn gthread{' --preload' if args.preload else ''}: "
        f"{args.workers} workers × {args.threads} threads; "
        f"{args.clients} clients, {args.seconds:g} s per phase, "
        + ("logged in (cookie and CSRF token)" if args.auth == "cookie" else "API tokens")
        + (f", pausing ~{args.pause_ms:g} ms between requests" if args.pause_ms else "")
    )
    if autovacuum_off(args.database_url or ""):
        print(
            "PostgreSQL runs with autovacuum off: the tables' statistics are only those the "
            "bench gathers after each day of --history, none during the run"
        )
    if history.uuids:
        print(
            f"history: {args.history} past sessions a phone, {len(history.uuids)} records "
            f"stored before the run ({history.seconds:.1f} s)"
        )
    print(
        f"floor GET /healthz: {len(floor)} requests, {floor_rps:.0f}/s, "
        f"median {statistics.median(floor) * 1000:.1f} ms, "
        f"p99 {percentile(floor, 0.99) * 1000:.1f} ms"
    )
    print(
        f"load POST /api/v1/sync: {len(load)} requests ({records} records, "
        f"{records / load_seconds:.0f} records/s), {rps:.0f}/s, "
        f"median {statistics.median(load) * 1000:.1f} ms, "
        f"p99 {percentile(load, 0.99) * 1000:.1f} ms"
    )
    timed = [(n, s) for c in clients for n, s in zip(c.load.sizes, c.load.seconds, strict=True)]
    for label, low, high in (("1–3 records", 1, 3), ("4–14", 4, 14), ("15 or more", 15, 10**6)):
        seconds = [s for n, s in timed if low <= n <= high]
        if seconds:
            print(
                f"  batches of {label}: {len(seconds)}, median "
                f"{statistics.median(seconds) * 1000:.1f} ms, p99 "
                f"{percentile(seconds, 0.99) * 1000:.1f} ms"
            )
    if len(rounds) > 1:
        print(
            "by round (floor/s, syncs/s, ratio): "
            + "; ".join(
                f"{r['floor'][0] / r['floor'][1]:.0f}, {r['load'][0] / r['load'][1]:.0f}, "
                f"{r['load'][0] / r['load'][1] / (r['floor'][0] / r['floor'][1]):.2f}"
                for r in rounds
            )
        )
    for phase, label, count in (("floor", "floor", len(floor)), ("load", "sync", len(load))):
        per = {part: seconds * 1000 / max(count, 1) for part, seconds in cpu[phase].items()}
        print(
            f"CPU per {label} request: server {per['server']:.2f} ms, database server "
            f"{per['database']:.2f} ms, client {per['clients']:.2f} ms; "
            f"together {sum(per.values()):.2f} ms"
        )
    print("rows: " + ", ".join(f"{table} {n}" for table, n in rows.items()))
    for message, times in Counter(errors).most_common(5):
        print(f"error ×{times}: {message}")
    print(
        f"clients={args.clients} requests={len(load)} errors={len(errors)} lost={lost} "
        f"duplicates={duplicates} p99_ms={percentile(load, 0.99) * 1000:.1f} rps={rps:.0f} "
        f"floor_rps={floor_rps:.0f} ratio={rps / floor_rps:.2f}"
    )


if __name__ == "__main__":
    main()
