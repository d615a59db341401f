"""The import page: small tables import at once with their report, bad files are refused
with a message, and only the study's leads and coordinators (and the admin) may import."""

import re

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, ImportJob, Session
from tests import factories
from tests.conftest import csrf_token, fresh_schema
from tests.imports.conftest import (
    LOCATIONS,
    allow_several_activities,
    csv_sums,
    first_rows,
    logged_in,
    page_of,
    stored_sums,
    upload,
)


@pytest.fixture
def studies(app):
    with app.app_context():
        factories.two_studies()
        allow_several_activities("alpha")
        db.session.commit()


def sessions_of(slug: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Session).join(Session.study).filter_by(slug=slug)
    )


def test_a_small_table_imports_at_once_and_shows_its_report(app, client, studies):
    table = first_rows(200)
    logged_in(client, "alpha-lead")
    answer = upload(client, "alpha", table.encode(), LOCATIONS.encode(), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "rows read: 200; imported: 200; rejected: 0" in page
    assert "people counted:" in page and "counts.csv + locations.csv" in page
    with app.app_context():
        assert stored_sums("alpha") == csv_sums(table)
        job = db.session.scalar(sa.select(ImportJob))
        assert (job.status, job.progress, job.rows) == ("done", 100, 200)
        assert job.content is None and job.locations is None, "the file is not kept"
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="import"))
        assert event.changes["via"] == [None, "web"] and event.actor.username == "alpha-lead"


def test_the_same_table_again_adds_nothing(app, client, studies):
    table = first_rows(120).encode()
    logged_in(client, "alpha-coordinator")
    upload(client, "alpha", table)
    with app.app_context():
        before = sessions_of("alpha")
    answer = upload(client, "alpha", table, follow_redirects=True)
    assert re.search(r"surveys → sessions: duplicate \d+", answer.get_data(as_text=True))
    with app.app_context():
        assert sessions_of("alpha") == before > 0
        assert stored_sums("alpha") == csv_sums(table.decode())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (None, "Choose the PLDP table."),
        ("Location_ID,Date\n".encode("utf-16"), "no rows"),
        (b"Location_ID,Date\n\x00\xff", "not text in an encoding Terloops recognises"),
        (b"name,count\nplein,3\n", "This is not a PLDP table"),
        (b"Location_ID,Survey_ID,Male\n", "no rows"),
        (b"", "empty or is not a CSV table"),
    ],
)
def test_a_bad_file_is_refused_with_a_message(app, client, studies, table, message):
    logged_in(client, "alpha-lead")
    answer = upload(client, "alpha", table)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True).replace("&#39;", "'")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 0


def test_a_bad_locations_file_is_refused(app, client, studies):
    logged_in(client, "alpha-lead")
    answer = upload(client, "alpha", first_rows(5).encode(), b"naam\nplein\n")
    assert answer.status_code == 422
    assert "not a PLDP locations file" in answer.get_data(as_text=True)


def test_messages_are_dutch_by_default(app, client, studies):
    logged_in(client, "alpha-lead", "nl")
    answer = upload(client, "alpha", b"name,count\nplein,3\n")
    assert "Dit is geen PLDP-tabel" in answer.get_data(as_text=True)
    assert "Kies de PLDP-tabel." in upload(client, "alpha", None).get_data(as_text=True)


def test_files_past_the_limit_are_refused_as_too_large(app_factory):
    app = app_factory(IMPORT_MAX_BYTES=2048)
    fresh_schema(app)
    with app.app_context():
        factories.two_studies()
        db.session.commit()
    client = app.test_client()
    logged_in(client, "alpha-lead")
    answer = upload(client, "alpha", first_rows(50).encode())
    assert answer.status_code == 413
    assert "too large" in answer.get_data(as_text=True)
    assert 'type="file"' in answer.get_data(as_text=True), "the form is there to try again"


@pytest.mark.parametrize(
    ("username", "status"),
    [("alpha-fieldworker", 403), ("beta-lead", 404), ("beta-coordinator", 404), ("root", 200)],
)
def test_who_may_import(app, client, studies, username, status):
    logged_in(client, username)
    assert client.get(page_of("alpha")).status_code == status
    token = csrf_token(client.get("/account").get_data(as_text=True))
    answer = client.post(page_of("alpha"), data={"csrf_token": token})
    assert answer.status_code == (422 if status == 200 else status)


def test_a_post_without_its_token_is_refused(app, client, studies):
    logged_in(client, "alpha-lead")
    answer = client.post(page_of("alpha"), data={}, content_type="multipart/form-data")
    assert answer.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 0
