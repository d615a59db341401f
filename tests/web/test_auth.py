"""Logging in and out: success, failure, deactivated accounts, rate limits, cookies."""

import pytest

from observations.extensions import db
from observations.models import User
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("root", "/admin/"),
        ("alpha-coordinator", "/studies/alpha/manage/"),
        ("alpha-lead", "/studies/alpha/research/"),
        ("alpha-fieldworker", "/studies/alpha/field/"),
    ],
)
def test_each_role_lands_on_its_page(client, auth, world, username, landing):
    response = auth.login(username, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == landing


def test_username_is_case_insensitive(client, auth, world):
    response = auth.login("  Alpha-Lead ")
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, world):
    response = auth.login("alpha-lead", "not-the-password")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in page
    assert 'value="alpha-lead"' in page, "the username typed is kept"
    assert client.get("/studies/alpha/research/").status_code == 302


def test_unknown_user_gets_the_same_message(client, auth, world):
    page = auth.login("nobody", "whatever-password").get_data(as_text=True)
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in page


def test_empty_fields_get_a_message_each(client, auth, world):
    response = client.post("/login", data={"csrf_token": auth.token()})
    page = response.get_data(as_text=True)
    assert "Vul je gebruikersnaam in." in page
    assert "Vul je wachtwoord in." in page
    assert 'aria-invalid="true"' in page


def test_deactivated_account_cannot_log_in(app, client, auth, world):
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="alpha-lead")).active = False
        db.session.commit()
    response = auth.login("alpha-lead")
    assert response.status_code == 200
    assert "Dit account is gedeactiveerd." in response.get_data(as_text=True)


def test_deactivation_ends_an_existing_login(app, client, auth, world):
    auth.login("alpha-lead")
    assert client.get("/studies/alpha/research/").status_code == 200
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="alpha-lead")).active = False
        db.session.commit()
    response = client.get("/studies/alpha/research/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_logout_ends_the_session(client, auth, world):
    auth.login("alpha-lead")
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/studies/alpha/research/").status_code == 302


def test_logout_needs_a_post(client, auth, world):
    auth.login("alpha-lead")
    assert client.get("/logout").status_code == 405


def test_next_parameter_returns_to_the_page_asked_for(client, auth, world):
    token = auth.token()
    response = client.post(
        "/login?next=/studies/alpha/research/",
        data={"username": "alpha-lead", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/studies/alpha/research/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_next_parameter_never_leaves_the_site(client, auth, world, target):
    token = auth.token()
    response = client.post(
        f"/login?next={target}",
        data={"username": "alpha-lead", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/"


def test_session_cookie_is_httponly_and_samesite(client, auth, world):
    response = auth.login("alpha-lead")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_failed_logins_are_rate_limited_per_address(client, auth, world):
    for _ in range(10):
        assert auth.login("alpha-lead", "wrong-password").status_code == 200
    response = auth.login("alpha-lead", "wrong-password")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Te veel inlogpogingen." in page
    assert 'value="alpha-lead"' in page, "the username typed is kept"
    assert auth.login("alpha-lead").status_code == 429, "even the right password waits"


def test_failed_logins_are_rate_limited_per_username_across_addresses(client, auth, world):
    for number in range(20):
        environ = {"REMOTE_ADDR": f"10.0.0.{number}"}
        assert auth.login("alpha-lead", "wrong", environ_base=environ).status_code == 200
    blocked = auth.login("alpha-lead", "wrong", environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429
    other = auth.login("alpha-coordinator", environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert other.status_code == 302, "other accounts are not locked out"


def test_successful_logins_do_not_count_against_the_limit(client, auth, world):
    for _ in range(12):
        assert auth.login("alpha-lead").status_code == 302
        auth.logout()


def test_security_headers_are_sent(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
