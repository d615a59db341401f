"""Logging in and out: success, failure, deactivated accounts, rate limits, cookies."""

import re

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


WAIT_NL = re.compile(r"Te veel inlogpogingen\. Wacht (\d+) (seconden|seconde|minuut|minuten) en")


def test_failed_logins_are_rate_limited_per_address(client, auth, world):
    for _ in range(10):
        assert auth.login("alpha-lead", "wrong-password").status_code == 200
    response = auth.login("alpha-lead", "wrong-password")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    wait = WAIT_NL.search(page)
    assert wait, "the message names the waiting time"
    seconds = int(wait.group(1)) * (60 if wait.group(2).startswith("minu") else 1)
    assert 50 <= seconds <= 60, "the oldest of ten failures within a minute frees up first"
    assert 50 <= int(response.headers["Retry-After"]) <= 60
    assert 'value="alpha-lead"' in page, "the username typed is kept"
    assert auth.login("alpha-lead").status_code == 429, "even the right password waits"
    other = auth.login("alpha-lead", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 302, "another address is not refused"


def test_the_waiting_time_is_said_in_english_too(client, auth, world):
    client.post("/language", data={"locale": "en", "csrf_token": auth.token()})
    for number in range(20):
        environ = {"REMOTE_ADDR": f"10.0.0.{number % 5}"}
        assert auth.login("alpha-lead", "wrong", environ_base=environ).status_code == 200
    response = auth.login("alpha-lead", "wrong", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert re.search(r"Too many login attempts\. Wait (59|60) minutes and try again\.", page)
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600


def test_a_stranger_guessing_from_many_addresses_does_not_lock_the_owner_out(client, auth, world):
    for number in range(25):
        environ = {"REMOTE_ADDR": f"10.0.0.{number}"}
        assert auth.login("alpha-lead", "wrong", environ_base=environ).status_code == 200
    for guesser in ("10.0.0.3", "10.0.0.19"):
        blocked = auth.login("alpha-lead", "wrong", environ_base={"REMOTE_ADDR": guesser})
        assert blocked.status_code == 429, "an address that guessed this account waits"
        assert WAIT_NL.search(blocked.get_data(as_text=True))
        right = auth.login("alpha-lead", environ_base={"REMOTE_ADDR": guesser})
        assert right.status_code == 429, "even with the right password"
    owner = auth.login("alpha-lead", environ_base={"REMOTE_ADDR": "192.168.1.20"})
    assert owner.status_code == 302, "the owner's phone, which never failed, logs in"
    auth.logout()
    clean = auth.login("alpha-lead", "wrong", environ_base={"REMOTE_ADDR": "172.16.0.1"})
    assert clean.status_code == 200, "a clean address gets its password checked"
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in clean.get_data(as_text=True)
    again = auth.login("alpha-lead", "wrong", environ_base={"REMOTE_ADDR": "172.16.0.1"})
    assert again.status_code == 429, "after failing for this account, it waits too"
    other = auth.login("alpha-coordinator", environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert other.status_code == 302, "other accounts are not locked out"


def test_ipv6_addresses_are_counted_per_64_network(client, auth, world):
    for number in range(1, 11):
        environ = {"REMOTE_ADDR": f"2001:db8:1:2::{number:x}"}
        assert auth.login("alpha-lead", "wrong", environ_base=environ).status_code == 200
    same_network = {"REMOTE_ADDR": "2001:db8:1:2:ffff:ffff:ffff:ffff"}
    assert auth.login("alpha-lead", environ_base=same_network).status_code == 429
    other_network = {"REMOTE_ADDR": "2001:db8:1:3::1"}
    assert auth.login("alpha-lead", environ_base=other_network).status_code == 302


def test_successful_logins_do_not_count_against_the_limit(client, auth, world):
    for _ in range(9):
        assert auth.login("alpha-lead", "wrong-password").status_code == 200
    for _ in range(12):
        assert auth.login("alpha-lead").status_code == 302
        auth.logout()
    assert auth.login("alpha-lead", "wrong-password").status_code == 200, "the tenth failure"
    assert auth.login("alpha-lead", "wrong-password").status_code == 429


def test_empty_forms_do_not_count_against_the_limit(client, auth, world):
    for _ in range(12):
        data = {"username": "alpha-lead", "csrf_token": auth.token()}
        assert client.post("/login", data=data).status_code == 200
    assert auth.login("alpha-lead").status_code == 302


def test_security_headers_are_sent(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_background_request_without_a_login_leaves_the_session_alone(client, world):
    """The service worker refreshing a page after logout gets a bare 401 and no flash.

    Its answer must not rewrite the session cookie: in a race it would replace the cookie
    of the logout that just happened, and the person would not see "Je bent uitgelogd".
    """
    background = client.get("/studies/alpha/field/session", headers={"Sec-Fetch-Mode": "cors"})
    assert background.status_code == 401
    assert "Set-Cookie" not in background.headers
    person = client.get("/studies/alpha/field/", headers={"Sec-Fetch-Mode": "navigate"})
    assert person.status_code == 302
    assert person.location == "/login?next=%2Fstudies%2Falpha%2Ffield%2F"
    assert "Set-Cookie" in person.headers, "the person is told to log in (a flash)"
