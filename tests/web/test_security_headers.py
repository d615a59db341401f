"""Security headers: logged-in answers are never cached; HSTS when cookies are HTTPS-only."""

from observations import tokens
from observations.extensions import db
from observations.models import User


def test_logged_in_pages_and_api_answers_are_not_stored(client, auth, world):
    auth.login("alpha-fieldworker")
    for path in ("/account", "/studies/alpha/field/", "/api/v1/studies/alpha/capture", "/nowhere"):
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", path


def test_token_api_answers_are_not_stored(app, client, world):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-fieldworker"))
        _token, plain = tokens.create_token(user, "R script")
        db.session.commit()
    response = client.get(
        "/api/v1/studies/alpha/capture", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_and_the_service_worker_keep_their_caching(client, auth, world):
    auth.login("alpha-fieldworker")
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"


def test_anonymous_pages_may_be_cached(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_hsts_only_when_cookies_are_https_only(app_factory):
    plain = app_factory()
    assert "Strict-Transport-Security" not in plain.test_client().get("/login").headers
    secure = app_factory(SESSION_COOKIE_SECURE=True)
    response = secure.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000"
