"""The sync API over HTTP: authentication, CSRF, limits, and the OpenAPI document."""

import re

import pytest
import sqlalchemy as sa

from observations import tokens
from observations.extensions import db
from observations.models import Session, User
from tests import snapshots
from tests.conftest import AuthActions, api_token, bearer, csrf_token

SYNC = "/api/v1/sync"
# Every record kind has an example in the document, in this order.
KINDS = ("session", "scan", "encounter", "note", "passers")


@pytest.fixture
def demo_study(app):
    """The demo study in the test database."""
    snapshots.demo(app)


@pytest.fixture
def token(app, demo_study):
    """A personal API token of the demo fieldworker."""
    return api_token(app, "fieldworker")


def examples(client) -> list[dict]:
    """The example records of the OpenAPI document, in the documented order."""
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    return schemas["SyncRequest"]["example"]["records"]


def test_examples_are_created_for_the_demo_fieldworker(client, token):
    response = client.post(SYNC, json={"records": examples(client)}, headers=bearer(token))
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * len(KINDS)
    again = client.post(SYNC, json={"records": examples(client)}, headers=bearer(token))
    assert [r["status"] for r in again.get_json()["results"]] == ["duplicate"] * len(KINDS)


def test_each_kind_has_its_own_valid_example(client, token):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    records = [schemas[f"{kind.title()}Record"]["example"] for kind in KINDS]
    results = client.post(SYNC, json={"records": records}, headers=bearer(token)).get_json()
    assert [r["status"] for r in results["results"]] == ["created"] * len(KINDS)


def test_openapi_document_is_valid_and_covers_every_route(app, client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_every_kind_of_the_sync_service_is_documented(client):
    from observations.sync import KINDS as SYNCED

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert SYNCED == KINDS
    assert set(schemas["Record"]["discriminator"]["mapping"]) == set(KINDS)
    assert [r["kind"] for r in schemas["SyncRequest"]["example"]["records"]] == list(KINDS)


def test_capture_data_says_which_zones_are_counting_lines(client, token):
    data = client.get("/api/v1/studies/demo/capture", headers=bearer(token)).get_json()
    flags = {z["name"]: z["counting_line"] for s in data["sites"] for z in s["zones"]}
    assert flags["Entree en leesplein"] is True
    # One counting line per demo site (demo/places.py).
    assert list(flags.values()).count(True) == 5


def test_the_passers_example_at_a_zone_that_is_no_line_is_invalid(client, token):
    records = examples(client)
    passers = records[-1]
    records[-1] = {**passers, "zone": records[0]["zones"][1]}
    results = client.post(SYNC, json={"records": records}, headers=bearer(token)).get_json()
    last = results["results"][-1]
    assert last["status"] == "invalid" and list(last["errors"]) == ["zone"]


def test_examples_match_their_schemas(client):
    from openapi_schema_validator import OAS30Validator, validate

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for kind in KINDS:
        schema = schemas[f"{kind.title()}Record"]
        validate(schema["example"], schema, cls=OAS30Validator)


def test_unauthenticated_requests_get_401_json(client, demo_study):
    response = client.post(SYNC, json={"records": []})
    assert response.status_code == 401
    assert response.is_json and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer tl_nonsense", "Basic abc", "Bearer "])
def test_bad_tokens_are_refused(client, demo_study, header):
    response = client.post(SYNC, json={"records": []}, headers={"Authorization": header})
    assert response.status_code == 401


def test_revoked_token_stops_working(app, client, token):
    assert client.post(SYNC, json={"records": []}, headers=bearer(token)).status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="fieldworker"))
        tokens.revoke_token(user, tokens.tokens_of(user)[0].id)
        db.session.commit()
    assert client.post(SYNC, json={"records": []}, headers=bearer(token)).status_code == 401


def test_deactivated_user_token_stops_working(app, client, token):
    with app.app_context():
        db.session.scalar(sa.select(User).filter_by(username="fieldworker")).active = False
        db.session.commit()
    assert client.post(SYNC, json={"records": []}, headers=bearer(token)).status_code == 401


def test_browser_session_needs_the_csrf_header(client, demo_study):
    AuthActions(client).login("fieldworker", "correct-horse-battery")
    refused = client.post(SYNC, json={"records": examples(client)})
    assert refused.status_code == 400 and refused.is_json
    page = client.get("/studies/demo/field/").get_data(as_text=True)
    accepted = client.post(
        SYNC, json={"records": examples(client)}, headers={"X-CSRFToken": csrf_token(page)}
    )
    assert accepted.status_code == 200
    assert [r["status"] for r in accepted.get_json()["results"]] == ["created"] * len(KINDS)


def test_csrf_token_endpoint_gives_a_working_token(client, demo_study):
    AuthActions(client).login("fieldworker", "correct-horse-battery")
    fresh = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    response = client.post(SYNC, json={"records": []}, headers={"X-CSRFToken": fresh})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/json"),
        ('{"records": 5}', "application/json"),
        ('{"records": []}', "text/plain"),
        ("[]", "application/json"),
    ],
)
def test_malformed_requests_get_400_with_a_message(client, token, body, content_type):
    response = client.post(SYNC, data=body, content_type=content_type, headers=bearer(token))
    assert response.status_code == 400
    assert "records" in response.get_json()["message"]


def test_too_many_records_get_413(client, token):
    response = client.post(SYNC, json={"records": [{}] * 501}, headers=bearer(token))
    assert response.status_code == 413
    assert "500" in response.get_json()["message"]


def test_too_many_bytes_get_413(app, client, token):
    app.config["SYNC_MAX_BYTES"] = 1000
    body = {"records": [{"kind": "note", "text": "x" * 2000}]}
    response = client.post(SYNC, json=body, headers=bearer(token))
    assert response.status_code == 413


def test_messages_follow_the_users_language(app, client, token):
    bad = [{"uuid": "nope", "kind": "note"}]
    dutch = client.post(SYNC, json={"records": bad}, headers=bearer(token)).get_json()
    assert dutch["results"][0]["errors"]["uuid"] == ["Geen geldige UUID."]
    with app.app_context():
        db.session.scalar(sa.select(User).filter_by(username="fieldworker")).locale = "en"
        db.session.commit()
    english = client.post(SYNC, json={"records": bad}, headers=bearer(token)).get_json()
    assert english["results"][0]["errors"]["uuid"] == ["Not a valid UUID."]


def test_capture_data_lists_places_codebook_and_slots(client, token):
    data = client.get("/api/v1/studies/demo/capture", headers=bearer(token)).get_json()
    assert data["sites"][0]["name"] == "Nieuwe Bibliotheek Almere"  # in the coordinator's order
    assert data["observer_code"] == "W01"
    keys = {c["key"] for c in data["codebook"]["categories"]}
    assert {"age", "encounter_type", "weather"} <= keys
    assert data["slots"], "the demo fieldworker has slots in the coming two weeks"


def test_capture_data_of_another_study_is_not_found(app, client, token):
    from observations import studies

    with app.app_context():
        studies.create_study("Elders", "elders")
        db.session.commit()
    response = client.get("/api/v1/studies/elders/capture", headers=bearer(token))
    assert response.status_code == 404 and response.is_json


def test_own_session_comes_back_with_its_records(app, client, token):
    client.post(SYNC, json={"records": examples(client)}, headers=bearer(token))
    uuid = examples(client)[0]["uuid"]
    records = client.get(f"/api/v1/sessions/{uuid}", headers=bearer(token)).get_json()["records"]
    assert [r["kind"] for r in records] == list(KINDS)
    with app.app_context():
        other = db.session.scalar(sa.select(User).filter_by(username="fieldworker2"))
        _t, plain = tokens.create_token(other, "other")
        db.session.commit()
    assert client.get(f"/api/v1/sessions/{uuid}", headers=bearer(plain)).status_code == 404
    assert client.get("/api/v1/sessions/not-a-uuid", headers=bearer(token)).status_code == 404


def test_token_page_creates_shows_once_and_revokes(app, client, demo_study):
    auth = AuthActions(client)
    auth.login("lead", "correct-horse-battery")
    empty = client.post("/account/tokens", data={"name": "", "csrf_token": auth.token("/account")})
    assert empty.status_code == 422
    assert "Geef de token een naam." in empty.get_data(as_text=True)
    page = client.post(
        "/account/tokens", data={"name": "R-script", "csrf_token": auth.token("/account")}
    )
    plain = re.search(r'class="token-value">(tl_[^<]+)<', page.get_data(as_text=True)).group(1)
    assert plain not in client.get("/account").get_data(as_text=True), "shown only once"
    assert client.get("/api/v1/csrf-token", headers=bearer(plain)).status_code == 200
    with app.app_context():
        lead = db.session.scalar(sa.select(User).filter_by(username="lead"))
        token_id = tokens.tokens_of(lead)[0].id
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": auth.token("/account")})
    assert client.get("/api/v1/csrf-token", headers=bearer(plain)).status_code == 401


def test_nobody_revokes_another_users_token(app, client, token):
    with app.app_context():
        fieldworker = db.session.scalar(sa.select(User).filter_by(username="fieldworker"))
        token_id = tokens.tokens_of(fieldworker)[0].id
    auth = AuthActions(client)
    auth.login("lead", "correct-horse-battery")
    response = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": auth.token("/account")}
    )
    assert response.status_code == 404
    assert client.get("/api/v1/csrf-token", headers=bearer(token)).status_code == 200


def test_stored_session_belongs_to_the_token_owner(app, client, token):
    record = examples(client)[0]
    client.post(SYNC, json={"records": [record]}, headers=bearer(token))
    with app.app_context():
        session = db.session.scalar(sa.select(Session).filter_by(uuid=record["uuid"]))
        assert session.fieldworker.username == "fieldworker"
