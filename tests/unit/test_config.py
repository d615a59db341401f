"""Configuration from the environment, SQLite settings and the secret key."""

import pytest
import sqlalchemy as sa

from observations import create_app
from observations.config import normalise_database_url
from observations.extensions import db
from tests.conftest import TEST_DATABASE_URL


def test_database_url_spellings_use_psycopg():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.fixture(autouse=True)
def own_instance_folder(monkeypatch, tmp_path):
    """Never read the developer's instance/config.py."""
    monkeypatch.setenv("TERLOOPS_INSTANCE_PATH", str(tmp_path / "instance"))


def test_environment_sets_database_secret_and_locale(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TERLOOPS_DEFAULT_LOCALE", "en")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.secret_key == "from-the-environment"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"


def test_the_read_apis_settling_margin_is_five_seconds_unless_set(monkeypatch):
    assert create_app({"SECRET_KEY": "x"}).config["API_SETTLE_SECONDS"] == 5
    monkeypatch.setenv("TERLOOPS_API_SETTLE_SECONDS", "12")
    assert create_app({"SECRET_KEY": "x"}).config["API_SETTLE_SECONDS"] == 12


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (f"sqlite:///{app.instance_path}/terloops.db")


def test_sqlite_has_foreign_keys_wal_and_busy_timeout(app):
    if TEST_DATABASE_URL:
        return  # the PostgreSQL run checks the same app on PostgreSQL elsewhere
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10000


def test_no_secret_key_refuses_to_serve(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    response = app.test_client().get("/login")
    assert response.status_code == 500
    assert b"SECRET_KEY is not set" in response.data
