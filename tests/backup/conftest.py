"""An installation at the newest revision, in English (the tests read the commands' output),
and helpers to make and read backups."""

import shutil
import tarfile
from pathlib import Path

import pytest
from flask_migrate import stamp

from observations.export.jobs import export_dir
from observations.extensions import db
from tests.conftest import empty_database


@pytest.fixture
def installation(app_factory):
    """An app whose database is at the newest revision and holds no rows."""
    app = app_factory(BABEL_DEFAULT_LOCALE="en")
    migrated(app)
    return app


def migrated(app) -> None:
    """The models' tables, stamped with the newest revision: what `flask db upgrade` gives
    (tests/test_migrations.py holds them to that), in a fraction of the time."""
    with app.app_context():
        db.create_all()
        stamp()
        db.session.remove()


def run(app, *args):
    """Run a flask command of the app; return the click result."""
    return app.test_cli_runner().invoke(args=list(args))


def wipe(app) -> None:
    """Lose everything: every table and every export file."""
    empty_database(app)
    folder = export_dir(app)
    shutil.rmtree(folder)
    folder.mkdir()
    with app.app_context():
        db.engine.dispose()


def members(path: Path) -> list[str]:
    """The names in a backup archive, in order."""
    with tarfile.open(path, "r:*") as tar:
        return tar.getnames()
