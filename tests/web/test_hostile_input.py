"""No input gives a server error: deep JSON, broken Unicode, NUL bytes, huge ids, chunked
bodies past the limit, wrong methods. Each gets a clear answer in the user's language."""

import json
import socket
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from observations import json_input
from observations.extensions import db
from observations.models import ApiToken, AuditEvent, FieldNote, Study, User
from tests import snapshots
from tests.conftest import PASSWORD, api_token, bearer

SYNC = "/api/v1/sync"
NESTED = "[" * 1000 + "]" * 1000


@pytest.fixture
def token(app, world):
    """A personal API token of alpha's fieldworker."""
    return api_token(app, "alpha-fieldworker")


# --- JSON nesting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"records": ' + NESTED + "}",
        '{"records": [{"uuid": ' + NESTED + ', "kind": "note"}]}',
        NESTED,
        '{"records": [' + "[" * json_input.MAX_DEPTH + "]" * json_input.MAX_DEPTH + "]}",
    ],
    ids=["records", "a field", "the whole body", "just past the limit"],
)
def test_deeply_nested_json_gets_400_with_a_clear_message(client, token, body):
    response = client.post(SYNC, data=body, content_type="application/json", headers=bearer(token))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "Ongeldig verzoek",
        "message": "De JSON is te diep genest (meer dan 32 niveaus van lijsten en objecten).",
    }


def test_nesting_up_to_the_limit_is_an_ordinary_invalid_record(client, token):
    depth = json_input.MAX_DEPTH - 3  # {records: [{uuid: [...]}]}
    body = '{"records": [{"uuid": %s}]}' % ("[" * depth + "]" * depth)
    response = client.post(SYNC, data=body, content_type="application/json", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["results"][0] == {
        "uuid": None,
        "status": "invalid",
        "errors": {
            "uuid": ["Geen geldige UUID."],
            "kind": ["Onbekende soort: gebruik session, scan, encounter, note of passers."],
        },
    }


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"NaN", b'{"a": Infinity}', b"1" * 5000, b""])
def test_what_is_not_json_is_refused_as_such(raw):
    with pytest.raises(json_input.NotJSON):
        json_input.loads(raw)


# --- broken Unicode and control characters ------------------------------------------------


@pytest.fixture
def demo_token(app):
    """The demo study, and a token of its fieldworker."""
    snapshots.demo(app, password=PASSWORD)
    return api_token(app, "fieldworker")


def test_a_lone_surrogate_makes_one_record_invalid_and_the_rest_stored(app, client, demo_token):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    records = schemas["SyncRequest"]["example"]["records"]
    broken = {**records[3], "text": "Na schooltijd \ud800 drukker"}
    body = json.dumps({"records": [*records[:3], broken]})  # the surrogate as \ud800 escape
    assert "\\ud800" in body
    response = client.post(
        SYNC, data=body, content_type="application/json", headers=bearer(demo_token)
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "created", "invalid"]
    assert results[3]["errors"] == {
        "text": [
            "De tekst bevat een kapot teken (de helft van een emoji of symbool). Typ het opnieuw."
        ]
    }
    with app.app_context():
        assert db.session.scalar(sa.select(FieldNote).filter_by(uuid=broken["uuid"])) is None


def test_a_non_string_uuid_comes_back_as_null(client, token):
    response = client.post(
        SYNC, json={"records": [{"uuid": [[1]], "kind": "note"}]}, headers=bearer(token)
    )
    assert response.status_code == 200
    assert response.get_json()["results"][0]["uuid"] is None


def post_form(client, auth, page: str, action: str, **data):
    """Submit a form with the CSRF token of the page it is on."""
    return client.post(action, data={"csrf_token": auth.token(page), **data})


@pytest.mark.parametrize("bad", ["Pleinen\x002027", "Pleinen\x1b2027", "x" * 201])
def test_the_admin_gets_a_message_for_a_study_name_that_cannot_be_stored(
    app, client, auth, world, bad
):
    auth.login("root")
    response = post_form(client, auth, "/admin/", "/admin/studies", name=bad, slug="pleinen")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "onzichtbaar stuurteken (op positie 8)" in page or "Hoogstens 200" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Study).filter_by(slug="pleinen")) is None


def test_a_long_study_name_wraps_in_the_admins_table(app, client, auth, world):
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert "th, td { overflow-wrap: anywhere; }" in css


def test_a_token_name_with_a_nul_is_explained(app, client, auth, world):
    auth.login("alpha-lead")
    response = post_form(client, auth, "/account", "/account/tokens", name="R\x00script")
    assert response.status_code == 422
    assert "onzichtbaar stuurteken (op positie 2)" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_display_name_with_a_nul_is_explained(app, client, auth, world):
    auth.login("alpha-lead")
    response = post_form(
        client, auth, "/account", "/account", display_name="Lie\x00ke", locale="nl"
    )
    assert response.status_code in (200, 422)
    assert "onzichtbaar stuurteken" in response.get_data(as_text=True)
    with app.app_context():
        lead = db.session.scalar(sa.select(User).filter_by(username="alpha-lead"))
        assert "\x00" not in lead.display_name


def test_a_login_username_with_a_nul_is_explained(client, auth, world):
    response = post_form(client, auth, "/login", "/login", username="ro\x00ot", password=PASSWORD)
    assert response.status_code in (200, 422)
    assert "onzichtbaar stuurteken" in response.get_data(as_text=True)


def test_a_preset_name_with_a_nul_is_explained(app, client, auth, world):
    auth.login("alpha-lead")
    page = "/studies/alpha/research/export"
    response = post_form(
        client, auth, page, page, format="xlsx", labels="nl", save_preset="1", preset_name="a\x00"
    )
    assert response.status_code == 422
    assert "onzichtbaar stuurteken" in response.get_data(as_text=True)


def test_a_form_cannot_carry_broken_unicode(app, client, auth, world):
    """Form bodies are bytes: an encoded surrogate never arrives as a lone surrogate."""
    auth.login("root")
    body = f"csrf_token={auth.token('/admin/')}&name=Pleinen%20%ED%A0%80&slug=pleinen"
    response = client.post(
        "/admin/studies", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    with app.app_context():
        name = db.session.scalar(sa.select(Study.name).filter_by(slug="pleinen"))
        assert name.startswith("Pleinen ") and name.encode("utf-8")


# --- the last line of defence --------------------------------------------------------------


@pytest.fixture
def storing_app(app, world):
    """The app with two extra routes that store a name no form has checked."""

    def store():
        db.session.get(Study, 1).name = "x" * 300
        db.session.commit()
        return "stored"

    app.add_url_rule("/test/store", "test_store", store, methods=["GET"])
    app.add_url_rule("/api/v1/test/store", "test_api_store", store, methods=["GET"])
    return app


def test_unstorable_text_that_reaches_the_database_gets_422_not_500(storing_app, client, auth):
    auth.login("root")
    api = client.get("/api/v1/test/store")
    assert api.status_code == 422
    assert api.get_json() == {
        "error": "Niet opgeslagen",
        "message": "Wat je stuurde kon niet worden opgeslagen.",
        "errors": {"name": ["Hoogstens 200 tekens; dit zijn er 300."]},
    }
    page = client.get("/test/store")
    assert page.status_code == 422
    assert "Hoogstens 200 tekens; dit zijn er 300." in page.get_data(as_text=True)
    with storing_app.app_context():
        assert db.session.get(Study, 1).name == "Study alpha", "rolled back"


# --- ids, slugs and methods in the URL -----------------------------------------------------


def test_ids_past_the_database_integer_are_not_found(client, auth, world):
    auth.login("alpha-lead")
    token = auth.token("/studies/alpha/research/export")
    huge = "9" * 20
    for url in (
        f"/studies/alpha/research/presets/{huge}/delete",
        f"/studies/alpha/research/export/jobs/{huge}/delete",
        f"/account/tokens/{huge}/revoke",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert client.get(f"/studies/alpha/research/export/jobs/{huge}").status_code == 404
    page = client.get(f"/studies/alpha/research/export?preset={huge}&job={huge}")
    assert page.status_code == 200


@pytest.mark.parametrize("slug", ["%00", "a%00b", "%ED%A0%80", "ALPHA", "x" * 41])
def test_study_addresses_that_no_study_can_have_are_not_found(client, auth, token, slug):
    auth.login("alpha-lead")
    assert client.get(f"/studies/{slug}/research/").status_code == 404
    api = client.get(f"/api/v1/studies/{slug}/capture", headers=bearer(token))
    assert api.status_code == 404 and api.is_json


def test_a_wrong_method_says_which_ones_are_allowed(client, token, auth):
    api = client.put(SYNC, headers=bearer(token))
    assert api.status_code == 405
    assert set(api.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert api.get_json() == {
        "error": "Niet toegestaan",
        "message": "Deze handeling is hier niet toegestaan.",
    }
    page = client.delete("/login")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
    assert "text/html" in page.headers["Content-Type"]


def test_the_unauthorized_answer_says_how_to_authenticate(client, world):
    response = client.get("/api/v1/csrf-token")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- the body limit, whatever the transfer encoding ---------------------------------------


def big_sync_body(size: int) -> bytes:
    """A well-formed sync request of about `size` bytes: 500 notes with long texts."""
    text = "x" * (size // 500)
    records = [{"uuid": f"r{i}", "kind": "note", "text": text} for i in range(500)]
    return json.dumps({"records": records}).encode()


class CountingChunks:
    """A request body that arrives in chunks and counts how much of it is read."""

    def __init__(self, body: bytes, size: int = 64 * 1024):
        self.chunks = (body[i : i + size] for i in range(0, len(body), size))
        self.buffer = b""
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self.buffer) < n:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        data, self.buffer = (self.buffer, b"") if n < 0 else (self.buffer[:n], self.buffer[n:])
        self.read_bytes += len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        return self.read(limit)


def chunked_environ(body: CountingChunks, token: str) -> dict:
    """A WSGI environ for a chunked POST: no Content-Length, the input ends by itself."""
    environ = EnvironBuilder(
        path=SYNC,
        method="POST",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        content_type="application/json",
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = body
    environ["wsgi.input_terminated"] = True
    return environ


def test_a_chunked_body_past_the_limit_gets_413_and_is_not_read_to_the_end(app, token):
    body = CountingChunks(big_sync_body(9_600_000))
    app_iter, status, _headers = run_wsgi_app(app, chunked_environ(body, token), buffered=True)
    answer = json.loads(b"".join(app_iter))
    assert status.startswith("413")
    assert answer == {
        "error": "Te groot",
        "message": "Stuur hoogstens 2048 kB per verzoek; verdeel de wachtrij in porties.",
    }
    limit = app.config["SYNC_MAX_BYTES"]
    assert limit <= body.read_bytes <= limit + 64 * 1024, "stopped at the limit"


def test_a_chunked_body_within_the_limit_is_stored(app, token):
    body = CountingChunks(json.dumps({"records": [{"uuid": "x", "kind": "note"}]}).encode(), 7)
    app_iter, status, _headers = run_wsgi_app(app, chunked_environ(body, token), buffered=True)
    assert status.startswith("200")
    assert json.loads(b"".join(app_iter))["results"][0]["status"] == "invalid"


def test_a_real_chunked_upload_of_9_6_mb_gets_413(app, token):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    body = big_sync_body(9_600_000)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            head = (
                f"POST {SYNC} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            connection.sendall(head.encode())

            def send_chunks():
                try:
                    for start in range(0, len(body), 65536):
                        chunk = body[start : start + 65536]
                        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    connection.sendall(b"0\r\n\r\n")
                except OSError:
                    pass  # the server answered and closed: that is the point

            sender = threading.Thread(target=send_chunks, daemon=True)
            sender.start()
            answer = b""
            while b"\r\n\r\n" not in answer:
                data = connection.recv(65536)
                assert data, f"connection closed early: {answer!r}"
                answer += data
            sender.join(timeout=30)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_an_announced_length_past_the_limit_gets_413(client, token, app):
    app.config["SYNC_MAX_BYTES"] = 1000
    response = client.post(
        SYNC, data=big_sync_body(5000), content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 413
    assert response.get_json()["message"] == (
        "Stuur hoogstens 0 kB per verzoek; verdeel de wachtrij in porties."
    )


def test_upload_records_the_file_name_as_it_can_be_stored(app):
    from observations.queue_upload import _storable_name

    with app.app_context():
        assert _storable_name("wacht\x00rij\ud800.json") == "wacht\ufffdrij\ufffd.json"
        assert len(_storable_name("x" * 300)) == 64
        assert _storable_name("") == "queue"
        assert AuditEvent.entity_key.type.length == 64


def test_every_error_answer_matches_the_documented_error_schema(app, client, token):
    from openapi_schema_validator import OAS30Validator, validate

    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Error"]
    answers = {
        400: client.post(SYNC, data=NESTED, content_type="application/json", headers=bearer(token)),
        401: client.post(SYNC, json={"records": []}),
        404: client.get("/api/v1/sessions/not-a-uuid", headers=bearer(token)),
        405: client.delete(SYNC, headers=bearer(token)),
    }
    app.config["SYNC_MAX_BYTES"] = 1000
    answers[413] = client.post(
        SYNC, data=big_sync_body(5000), content_type="application/json", headers=bearer(token)
    )
    for status, response in answers.items():
        assert response.status_code == status and response.is_json, status
        validate(response.get_json(), schema, cls=OAS30Validator)


def test_a_chunked_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not(app, token):
    body = json.dumps({"records": [{"uuid": "x", "kind": "note", "text": "y" * 3000}]}).encode()
    app.config["SYNC_MAX_BYTES"] = len(body)
    exact = run_wsgi_app(app, chunked_environ(CountingChunks(body, 1000), token), buffered=True)
    assert exact[1].startswith("200")
    longer = CountingChunks(body + b" ", 1000)
    assert run_wsgi_app(app, chunked_environ(longer, token), buffered=True)[1].startswith("413")
