"""Two app instances, one worker, one PostgreSQL and one Redis, started as docs/deploy.md says.

The environment file, the instances' gunicorn command and the worker's command are read from
the deployment guide itself, so that the guide and this test cannot drift apart. Only what a
machine of its own would differ in is replaced: the paths, the ports, a database, a Redis
database and a queue name of this test's own (CI runs SQLite and PostgreSQL side by side on
one Redis), and test hooks that slow an export down so that it can be watched and killed.

The test client plays the reverse proxy of the guide: it sends X-Forwarded-For and
X-Forwarded-Proto: https, as nginx does, and keeps the cookies itself (they are Secure).
"""

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests

from observations.config import normalise_database_url
from observations.extensions import db
from observations.models import Site, Study, Zone
from tests import factories
from tests.conftest import TEST_DATABASE_URL, api_token, make_app

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
REDIS_URL = "redis://127.0.0.1:6379/6"
# The worker's exports last this long at least (EXPORT_SLOW_SECONDS, a test hook), and its
# jobs count as cut off this many seconds after their last heartbeat.
SLOW_SECONDS = 4
STALE_SECONDS = 3


def guide_block(first_line: str) -> str:
    """The fenced block of the guide whose first line is `first_line`."""
    blocks = re.findall(r"^```\w*\n(.*?)^```", GUIDE.read_text(), re.S | re.M)
    found = [block for block in blocks if block.startswith(first_line)]
    assert found, f"docs/deploy.md has no block starting with {first_line!r}"
    return found[0]


def guide_environment() -> dict[str, str]:
    """The variables of the guide's /etc/terloops/terloops.env (comments left out)."""
    block = guide_block("# /etc/terloops/terloops.env")
    pairs = (line.split("=", 1) for line in block.splitlines() if re.match(r"^[A-Z_]+=", line))
    return {name: value for name, value in pairs}


def guide_command(unit: str) -> list[str]:
    """The ExecStart command of one of the guide's systemd units, as words."""
    block = guide_block(f"# /etc/systemd/system/{unit}")
    joined = block.replace("\\\n", " ")
    line = next(line for line in joined.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart="))
    # The guide's virtualenv is /srv/terloops/venv; here it is the one running the tests.
    venv_bin = "/srv/terloops/venv/bin/"
    assert words[0].startswith(venv_bin), words
    return [str(Path(sys.executable).parent / words[0].removeprefix(venv_bin)), *words[1:]]


def database_url(name: str) -> str:
    """TEST_DATABASE_URL's server, database `name`."""
    parts = urlsplit(TEST_DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection() -> psycopg.Connection:
    """A connection to the server's maintenance database, for CREATE and DROP DATABASE."""
    return psycopg.connect(database_url("postgres").replace("+psycopg", ""), autocommit=True)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float = 60, every: float = 0.1):
    """Poll predicate() until it returns something true; return it, or None at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(every)


class Process:
    """A server process of the guide, in a process group of its own, its output in a log."""

    def __init__(self, name: str, command: list[str], env: dict, logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("a") as out:
            self.popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole group at once: a crash, an out-of-memory kill."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(30)

    def stop(self) -> None:
        """SIGTERM as systemd stops a unit, SIGKILL if it lingers."""
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()


class Visitor:
    """A browser behind the guide's proxy: forwarded headers, its own cookies, CSRF tokens."""

    def __init__(self, address: str):
        self.address = address
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            # The page it came from, as the browser saw it: over HTTPS (Flask-WTF checks it).
            "Referer": "https://" + url.split("://", 1)[1],
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method, url, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.http.cookies.clear()
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post_form(self, page: str, url: str, data: dict) -> requests.Response:
        """Submit a form as a browser does: its CSRF token taken from the page it is on."""
        html = self.get(page).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert token, f"no CSRF token on {page}"
        return self.request("POST", url, data={**data, "csrf_token": token.group(1)})

    def login(self, base: str, username: str, password: str) -> requests.Response:
        return self.post_form(
            f"{base}/login", f"{base}/login", {"username": username, "password": password}
        )


class Cluster:
    """The installation: environment, database, two instances and a worker."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.logs = tmp / "logs"
        self.logs.mkdir()
        unique = uuid.uuid4().hex[:12]
        self.database = f"terloops_cluster_{unique}"
        self.queue = f"terloops-cluster-{unique}"
        self.env = {
            **os.environ,
            **guide_environment(),
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url(self.database),
            "TERLOOPS_REDIS_URL": REDIS_URL,
            "TERLOOPS_EXPORT_DIR": str(tmp / "exports"),
            "TERLOOPS_INSTANCE_PATH": str(tmp / "instance"),
            "TERLOOPS_QUEUE_NAME": self.queue,
            "TERLOOPS_RATELIMIT_KEY_PREFIX": self.queue,
            # Every export goes to the queue, however small.
            "TERLOOPS_EXPORT_INLINE_ROWS": "-1",
            "TERLOOPS_EXPORT_STALE_SECONDS": str(STALE_SECONDS),
            "TERLOOPS_CLOSE_FORGOTTEN": "false",
        }
        self.env.pop("TEST_DATABASE_URL", None)
        self.ports = [free_port(), free_port()]
        self.instances: list[Process] = []
        self.worker: Process | None = None
        self.workers_started = 0

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def flask(self, *args: str) -> str:
        """A `flask --app app …` command as the guide's operator runs it; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> None:
        with admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.flask("db", "upgrade")
        self.build_world()
        web = guide_command("terloops-web@.service")
        for number, port in enumerate(self.ports):
            command = [word.replace("%i", str(port)) for word in web]
            self.instances.append(Process(f"web{number + 1}", command, self.env, self.logs))
        self.start_worker()
        for base, instance in zip(self.bases, self.instances, strict=True):
            ready = wait_for(lambda b=base: self.healthy(b), 120, 0.2)
            assert ready, f"{base} did not answer /healthz:\n{instance.output()}"

    def build_world(self) -> None:
        """Studies alpha and beta with their members, a market of three rows in alpha, and
        the personal API token of alpha's fieldworker."""
        url = normalise_database_url(self.env["DATABASE_URL"])
        self.app = make_app(self.tmp, empty=False, SQLALCHEMY_DATABASE_URI=url)
        with self.app.app_context():
            factories.two_studies()
            study = db.session.scalar(db.select(Study).filter_by(slug="alpha"))
            site = Site(
                study_id=study.id,
                name="Markt",
                kind="market",
                zones=[Zone(name=f"Rij {n}") for n in (1, 2, 3)],
            )
            db.session.add(site)
            db.session.commit()
            self.site = {"id": site.id, "zones": [zone.id for zone in site.zones]}
        self.token = api_token(self.app, "alpha-fieldworker")

    def query(self, sql: str, **params):
        """Rows of a query on the installation's database."""
        with self.app.app_context():
            rows = db.session.execute(db.text(sql), params).all()
            db.session.rollback()
            return rows

    def healthy(self, base: str) -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(self) -> Process:
        """The guide's worker unit (again: systemd's Restart=on-failure after a crash)."""
        self.workers_started += 1
        env = {**self.env, "TERLOOPS_EXPORT_SLOW_SECONDS": str(SLOW_SECONDS)}
        command = guide_command("terloops-worker.service")
        self.worker = Process(f"worker{self.workers_started}", command, env, self.logs)
        return self.worker

    def stop(self) -> None:
        for process in self.logs_of():
            process.stop()
        if getattr(self, "app", None) is not None:
            with self.app.app_context():
                db.session.remove()
                db.engine.dispose()
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"*{self.queue}*"):
            store.delete(key)
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def logs_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()[-3000:]}" for p in self.logs_of())

    def logs_of(self) -> list[Process]:
        return [*self.instances, *([self.worker] if self.worker else [])]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The running installation, with study alpha's world (tests.factories.two_studies)."""
    if not TEST_DATABASE_URL:
        pytest.skip("two instances share one PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")
    made = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        made.start()
        yield made
    finally:
        made.stop()
