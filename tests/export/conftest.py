"""The demo study to export, built once per test module (the tests read it)."""

import pytest

from observations.extensions import db, limiter
from observations.models import Study
from tests import snapshots
from tests.conftest import empty_database, make_app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """An app whose database holds the demo study, shared by a module's tests."""
    app = make_app(tmp_path_factory.mktemp("export"))
    with app.app_context():
        db.create_all()
    snapshots.demo(app)
    yield app
    empty_database(app)


@pytest.fixture
def study(demo_app):
    """The demo study, with a request context held for the test."""
    limiter.reset()
    with demo_app.test_request_context():
        yield db.session.scalar(db.select(Study).filter_by(slug="demo"))
        db.session.rollback()
