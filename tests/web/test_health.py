"""GET /healthz: 200 while the database answers, 503 with a reason when it does not; one
SELECT 1 and nothing else, for anyone, with no cookie and no rate limit."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from observations import create_app
from observations.extensions import db, limiter


def statements_during(app, call) -> list[str]:
    """The SQL statements the app's engine runs while `call()` runs."""
    seen = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_healthy_instance_answers_200_with_the_database_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_ms"] >= 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_the_check_runs_one_select_1_even_for_a_logged_in_browser(app, client, auth, world):
    auth.login("alpha-fieldworker")
    assert client.get("/account").status_code == 200  # the login works and is kept alive

    responses = []
    seen = statements_during(app, lambda: responses.append(client.get("/healthz")))

    assert responses[0].status_code == 200
    assert [s.strip().upper() for s in seen] == ["SELECT 1"]
    assert "Set-Cookie" not in responses[0].headers


def test_the_check_is_never_rate_limited(app_factory, monkeypatch):
    # The limiter is one object for every app of the process and keeps the first default
    # limits it is given: give it this test's, and have them taken away again afterwards.
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [])
    app = app_factory(RATELIMIT_DEFAULT="2 per minute")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    # The default limit is in force elsewhere: the check is exempt, not the limiter off.
    assert [client.get("/login").status_code for _ in range(3)][-1] == 429


def app_on(url: str, tmp_path):
    """An app on a database URL, with nothing done to that database."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


@pytest.mark.parametrize(
    "url",
    [
        # A SQLite file whose folder is gone, and a PostgreSQL server that is not listening.
        "sqlite:///{tmp}/no-such-folder/terloops.db",
        "postgresql+psycopg://terloops:hunter22@127.0.0.1:1/no-such-database",
    ],
    ids=["sqlite", "postgresql"],
)
def test_no_database_answers_503_with_a_reason_and_no_secrets(url, tmp_path, caplog):
    app = app_on(url.format(tmp=tmp_path), tmp_path)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "unavailable"
    assert body["reason"] == "the database did not answer (OperationalError)"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    # The database's own error, which may name hosts and users, goes to the log only.
    text = response.get_data(as_text=True)
    assert "hunter22" not in text and "127.0.0.1" not in text and "no-such" not in text
    assert "the database did not answer: (" in caplog.text


def test_the_check_recovers_when_the_database_comes_back(tmp_path):
    folder = tmp_path / "later"
    app = app_on(f"sqlite:///{folder / 'terloops.db'}", tmp_path)
    client = app.test_client()
    assert client.get("/healthz").status_code == 503

    folder.mkdir()

    assert client.get("/healthz").status_code == 200
    with app.app_context():
        assert db.session.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_with_redis_the_check_pings_it_too(app_factory):
    app = app_factory(REDIS_URL="redis://127.0.0.1:6379/6")
    body = app.test_client().get("/healthz").get_json()
    assert (body["status"], body["database"], body["redis"]) == ("ok", "ok", "ok")
    assert body["redis_ms"] >= 0


def test_an_unreachable_redis_is_reported_without_taking_the_instance_out(app_factory):
    # Nothing listens on port 1: Redis "did not answer". Phones can still sync, so 200.
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"], body["redis"]) == ("degraded", "ok", "unavailable")
    assert "Redis did not answer" in body["reason"] and "127.0.0.1" not in body["reason"]
