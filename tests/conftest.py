"""Shared fixtures: an app on a fresh database, a client, a CLI runner, and login helpers.

Tests run on SQLite (a file per test). When TEST_DATABASE_URL is set they run on that
PostgreSQL database instead, which is emptied before every test and at the end of the run.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from observations import create_app
from observations.config import normalise_database_url
from observations.extensions import db, limiter
from tests import app_reuse, factories, snapshots

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
app_reuse.install()
PASSWORD = factories.PASSWORD


# Suites whose outcome does not depend on the database engine: pure computations without a
# database, the route × role matrix (which status each role gets at each route: access
# rules, not storage; the suites of each area test their queries on both), the offline
# shell's static pages and bench/instructions.py's workload (SQLite, as it runs). Marked
# `one_engine`; CI runs them in its SQLite run only (.ci/run), as it does the browser tests.
ONE_ENGINE = (
    "tests/unit/test_clock.py",
    "tests/unit/test_reliability_matching.py",
    "tests/unit/test_reliability_stats.py",
    "tests/access/test_route_matrix.py",
    "tests/web/test_offline_shell.py",
    "tests/bench/test_instructions_smoke.py",
)


def pytest_collection_modifyitems(items):
    """Mark the tests of the ONE_ENGINE suites."""
    for item in items:
        if item.nodeid.startswith(ONE_ENGINE):
            item.add_marker(pytest.mark.one_engine)


def database_uri(tmp_path) -> str:
    """The database a test runs on: the PostgreSQL one if given, else a fresh SQLite file."""
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path / 'test.db'}"


# PostgreSQL only: whether the database holds exactly the models' tables, made by this run.
# Emptying them then takes 20 ms, where dropping and creating them again takes a third of
# a second per test.
_schema_ready = False


def empty_database(app) -> None:
    """Drop every table, including Alembic's version table, leaving an empty database."""
    global _schema_ready
    _schema_ready = False
    with app.app_context():
        db.session.remove()
        metadata = sa.MetaData()
        metadata.reflect(db.engine)
        metadata.drop_all(db.engine)
        db.engine.dispose()


# SQLite only: a database file holding the models' tables, made once per run and copied for
# each test (a copy takes a millisecond, creating the tables 70 ms).
_sqlite_template: Path | None = None


def _copy_sqlite_template(app) -> None:
    """Make the app's SQLite database a copy of the template: the tables, no rows."""
    global _sqlite_template
    if _sqlite_template is None:
        _sqlite_template = Path(tempfile.mkdtemp(prefix="terloops-schema-")) / "schema.db"
        engine = sa.create_engine(f"sqlite:///{_sqlite_template}")
        db.metadata.create_all(engine)
        engine.dispose()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        target = Path(db.engine.url.database)
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(_sqlite_template, target)


def fresh_schema(app) -> None:
    """Give the app's database the models' tables and no rows."""
    global _schema_ready
    if not TEST_DATABASE_URL:
        _copy_sqlite_template(app)
        return
    with app.app_context():
        if TEST_DATABASE_URL and _schema_ready:
            # DELETE beats TRUNCATE on a few rows; ids start at 1 again, as in a new schema.
            with db.engine.begin() as connection:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
                for (sequence,) in connection.execute(
                    sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                ):
                    connection.execute(sa.text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        else:
            empty_database(app)
            db.create_all()
            _schema_ready = True
        db.session.remove()


def make_app(tmp_path, empty: bool = True, **overrides):
    """Create an app for tests on an empty database (dispose it with `empty_database`)."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri(tmp_path),
        "RATELIMIT_STORAGE_URI": "terloops-memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The read API shows records at once; tests of the settling margin set their own.
        "API_SETTLE_SECONDS": 0,
    }
    if TEST_DATABASE_URL:
        # A test that leaves a transaction open fails the next one quickly, never hangs CI.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": "-c lock_timeout=10000"}}
    config.update(overrides)
    app = create_app(config)
    app_reuse.share_templates(app)
    if empty:
        empty_database(app)
    limiter.reset()
    return app


@pytest.fixture(scope="session", autouse=True)
def _postgresql_left_empty(tmp_path_factory):
    """A PostgreSQL test database is left without tables when the run ends."""
    yield
    if TEST_DATABASE_URL:
        empty_database(make_app(tmp_path_factory.mktemp("end"), empty=False))


@pytest.fixture
def app_factory(tmp_path):
    """Make apps with extra settings; their databases are emptied and closed afterwards."""
    made = []

    def factory(**overrides):
        made.append(make_app(tmp_path, **overrides))
        return made[-1]

    yield factory
    for app in made:
        empty_database(app)


@pytest.fixture
def empty_app(app_factory):
    """An app whose database has no tables at all (for migrations and `flask demo`)."""
    return app_factory()


@pytest.fixture
def app(tmp_path):
    """An app whose database holds the current schema and nothing else."""
    app = make_app(tmp_path, empty=False)
    fresh_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """Two studies, each with a member of every role, and an admin."""
    return snapshots.restore_or_build(app, "world", factories.two_studies)


def csrf_token(html: str) -> str:
    """Pull the CSRF token out of a rendered page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    """Log in and out through the real forms, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def token(self, path: str = "/login") -> str:
        """Fetch a page and return its CSRF token."""
        return csrf_token(self._client.get(path).get_data(as_text=True))

    def login(self, username: str, password: str = PASSWORD, **kwargs):
        """Post the login form."""
        data = {"username": username, "password": password, "csrf_token": self.token()}
        return self._client.post("/login", data=data, **kwargs)

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout", data={"csrf_token": self.token("/account")})


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return AuthActions(client)


def api_token(app, username: str) -> str:
    """A new personal API token of the user (the plain value)."""
    from observations import tokens
    from observations.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        _token, plain = tokens.create_token(user, "tests")
        db.session.commit()
        return plain


def bearer(plain: str) -> dict:
    """The Authorization header for a personal API token."""
    return {"Authorization": f"Bearer {plain}"}
