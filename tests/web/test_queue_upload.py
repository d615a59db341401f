"""A coordinator uploads a phone's queue file: same sync path, same dedupe rules."""

import io
import json
import re

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Encounter, Session, Study, User
from tests import factories
from tests.conftest import AuthActions
from tests.sync.conftest import Field


@pytest.fixture
def queue(app):
    """A queue file of the sync test study's fieldworker: a session and two encounters."""
    with app.test_request_context():
        field = Field(app)
        session = field.session()
        records = [session, field.encounter(session), field.encounter(session)]
        ids = {"fieldworker": field.fieldworker.id, "colleague": field.colleague.id}
        db.session.commit()
    return {"records": records, "ids": ids}


def upload(client, auth, payload, fieldworker: int, name="queue.json"):
    """Post the upload form with a file."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        "/studies/sync/manage/queue",
        data={
            "file": (io.BytesIO(body), name),
            "fieldworker": str(fieldworker),
            "csrf_token": auth.token("/studies/sync/manage/queue"),
        },
        content_type="multipart/form-data",
    )


def queue_file(records) -> dict:
    """What the phone's download button writes."""
    return {"format": "terloops-queue", "version": 1, "user": 1, "records": records}


@pytest.fixture
def coordinator(app, client, queue):
    """Logged in as a coordinator of the sync test study."""
    with app.app_context():
        factories.user(
            "cor", "coordinator", db.session.scalar(sa.select(Study).filter_by(slug="sync"))
        )
        db.session.commit()
    auth = AuthActions(client)
    auth.login("cor", "correct-horse-battery")
    return auth


def test_upload_stores_the_records_once(app, client, coordinator, queue):
    response = upload(
        client, coordinator, queue_file(queue["records"]), queue["ids"]["fieldworker"]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 records verwerkt." in page and "nieuw: <strong>3</strong>" in page
    again = upload(client, coordinator, queue_file(queue["records"]), queue["ids"]["fieldworker"])
    assert "was al binnen: <strong>3</strong>" in again.get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(sa.select(Session))
        assert session.fieldworker.username == "veldwerker"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Encounter)) == 2
        uploads = db.session.scalars(sa.select(AuditEvent).filter_by(action="upload")).all()
        assert len(uploads) == 2 and uploads[0].actor.username == "cor"


def test_records_of_another_fieldworker_are_refused(app, client, coordinator, queue):
    upload(client, coordinator, queue_file(queue["records"]), queue["ids"]["fieldworker"])
    response = upload(
        client, coordinator, queue_file(queue["records"][1:]), queue["ids"]["colleague"]
    )
    page = response.get_data(as_text=True)
    assert "geweigerd: <strong>2</strong>" in page
    assert "Deze sessie is van een andere veldwerker." in page


def test_records_of_another_study_are_refused(app, client, coordinator, queue):
    other = {**queue["records"][0], "study": "elders"}
    page = upload(client, coordinator, queue_file([other]), queue["ids"]["fieldworker"]).get_data(
        as_text=True
    )
    assert "geweigerd: <strong>1</strong>" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xfe not json", "geen JSON"),
        ({"records": []}, "download het via de statusregel"),
        ({"format": "terloops-queue", "records": "x"}, "download het via de statusregel"),
        (
            b'{"format": "terloops-queue", "records": [' + b"[" * 1000 + b"]" * 1000 + b"]}",
            "De JSON is te diep genest",
        ),
    ],
    ids=["binary", "no format", "records not a list", "nested too deeply"],
)
def test_a_file_that_is_no_queue_is_explained(client, coordinator, queue, payload, message):
    response = upload(client, coordinator, payload, queue["ids"]["fieldworker"])
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_missing_file_is_explained(client, coordinator, queue):
    response = client.post(
        "/studies/sync/manage/queue",
        data={
            "fieldworker": str(queue["ids"]["fieldworker"]),
            "csrf_token": coordinator.token("/studies/sync/manage/queue"),
        },
    )
    assert response.status_code == 422
    assert "Kies het wachtrijbestand." in response.get_data(as_text=True)


def test_fieldworkers_cannot_upload(app, client, queue):
    auth = AuthActions(client)
    auth.login("veldwerker", "correct-horse-battery")
    assert client.get("/studies/sync/manage/queue").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(User).filter_by(username="veldwerker"))


def test_no_fieldworker_is_chosen_until_the_coordinator_chooses(app, client, coordinator, queue):
    page = client.get("/studies/sync/manage/queue").get_data(as_text=True)
    first = re.search(r'<select[^>]*name="fieldworker"[^>]*>\s*(<option[^>]*>)', page)
    assert first and 'value=""' in first.group(1) and "selected" in first.group(1)
    response = upload(client, coordinator, queue_file(queue["records"]), "")
    assert response.status_code == 422
    assert "Kies de veldwerker." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0
