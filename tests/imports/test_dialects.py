"""The import page reads both PLDP dialects and detects the encoding, like the command line,
and a file of which nothing can be imported leaves nothing behind."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import ImportJob, Session, Zone
from tests import factories
from tests.imports.conftest import logged_in, upload

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_sf_civic_center_stationary.csv"


@pytest.fixture
def studies(app):
    with app.app_context():
        factories.two_studies()
        db.session.commit()


def camel_rows(count: int) -> str:
    """The camelCase sample cut to its header and first `count` rows, with an accent."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[: count + 1]
    return "".join(lines).replace("Civic Center Plaza", "Plaza Café")


def test_a_camel_case_cp1252_table_imports_at_once(app, client, studies):
    logged_in(client, "alpha-lead")
    answer = upload(client, "alpha", camel_rows(300).encode("cp1252"), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "rows read: 300; imported: 300; rejected: 0" in page
    assert "encoding: cp1252 (detected)" in page and "dialect: camelCase" in page
    with app.app_context():
        assert "Plaza Café" in set(db.session.scalars(sa.select(Zone.name)))
        job = db.session.scalar(sa.select(ImportJob))
        assert job.status == "done" and job.settings == {}


def test_a_chosen_encoding_is_kept_and_used(app, client, studies):
    logged_in(client, "alpha-lead")
    table = camel_rows(20).encode("cp1252")
    answer = upload(client, "alpha", table, encoding="latin-1", follow_redirects=True)
    assert "encoding: iso8859-1" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(ImportJob)).settings == {"encoding": "latin-1"}
    wrong = upload(client, "alpha", "é".encode("cp1252") * 3, encoding="utf-8")
    assert wrong.status_code == 422 and "cannot be read as utf-8" in wrong.get_data(as_text=True)


def test_a_table_of_which_nothing_imports_leaves_nothing(app, client, studies):
    logged_in(client, "alpha-lead")
    table = "id,name,startedAt,endedAt,genderMale\n" + "X,,09/22/17 10:00 PM,,1\n" * 12
    answer = upload(client, "alpha", table.encode(), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Nothing was imported: every row was rejected (12)" in page
    assert "rejected: no location name: 12 rows (lines 2, 3, 4, 5, 6, …)" in page
    with app.app_context():
        assert db.session.scalar(sa.select(ImportJob)).status == "failed"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Zone)) == 0
