"""The phone learns on its next sync: the reply's closed_sessions, the home page's data."""

from datetime import timedelta

import pytest

from observations.api.openapi import document
from observations.capture import capture_data
from observations.extensions import db
from observations.models import Session, utcnow
from observations.review.forgotten import close_forgotten
from observations.sync import sync_records
from tests.conftest import AuthActions, api_token, bearer
from tests.forgotten.conftest import hours, send, stored
from tests.sync.conftest import at

SYNC = "/api/v1/sync"
# How the phone calls: with a personal API token, or logged in (the session cookie and the
# CSRF token, as sync.js does). Each looks its caller up its own way, and says with it
# whether the server closed a session of theirs (logins.py, tokens.py).
CALLERS = ("token", "login")


def credentials(app, client, how: str) -> dict:
    """The headers of a sync by the fieldworker "veldwerker", called `how` (CALLERS)."""
    if how == "token":
        return bearer(api_token(app, "veldwerker"))
    assert AuthActions(client).login("veldwerker").status_code == 302
    return {"X-CSRFToken": client.get("/api/v1/csrf-token").get_json()["csrf_token"]}


@pytest.mark.parametrize("how", CALLERS)
def test_the_sync_reply_lists_the_owners_sessions_the_server_closed(app, client, field, how):
    mine, colleagues, long_ago = field.session(), field.session(), field.session()
    send(field, mine, field.note(mine, written_at=at(12)), long_ago)
    sync_records(field.colleague, [colleagues])
    close_forgotten(now=hours(7))
    db.session.get(Session, stored(long_ago["uuid"]).id).auto_closed_at = utcnow() - timedelta(
        days=15
    )
    db.session.commit()
    headers = credentials(app, client, how)

    reply = client.post(SYNC, json={"records": []}, headers=headers).get_json()

    (entry,) = reply["closed_sessions"]
    assert entry["uuid"] == mine["uuid"] and entry["closed_automatically"] is True
    assert entry["study"] == "sync" and entry["site"] == field.site
    assert entry["ended_at"].startswith(hours(12 / 60).strftime("%Y-%m-%dT%H:%M"))
    assert entry["auto_closed_at"] is not None


@pytest.mark.parametrize("how", CALLERS)
def test_a_reply_without_closed_sessions_has_an_empty_list(app, client, field, how):
    session = field.session()
    send(field, session)
    close_forgotten(now=hours(7))
    db.session.get(Session, stored(session["uuid"]).id).retracted = True
    db.session.commit()  # closed by the server, but withdrawn since: nothing to tell
    headers = credentials(app, client, how)
    reply = client.post(SYNC, json={"records": []}, headers=headers).get_json()
    assert reply["closed_sessions"] == []


def test_the_home_pages_data_carries_them_too(app, field):
    session = field.session()
    send(field, session)
    close_forgotten(now=hours(7))
    db.session.commit()
    study = stored(session["uuid"]).study
    data = capture_data(study, field.fieldworker)
    assert [e["uuid"] for e in data["closed_sessions"]] == [session["uuid"]]
    assert data["open_sessions"] == []


def test_the_documented_reply_and_its_example_agree(app):
    from openapi_schema_validator import OAS30Validator, validate

    with app.test_request_context():
        doc = document()
    schemas = doc["components"]["schemas"]
    resolver_doc = {"components": doc["components"]}
    for name in ("ClosedSession", "SyncResponse"):
        schema = {**schemas[name], "components": resolver_doc["components"]}
        validate(schemas[name]["example"], schema, cls=OAS30Validator)
    assert "notice" in schemas["SyncResult"]["properties"]
