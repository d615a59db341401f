"""Revocable logins: copied cookies stop working on logout, password change, "log out
everywhere" and deactivation; logins expire unless used; the session is new after login."""

import hashlib
import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from observations import logins
from observations.extensions import db
from observations.models import Login, User, utcnow
from tests import factories
from tests.conftest import PASSWORD, AuthActions

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
COOKIES = ("session", "remember_token")


def log_in(app, username="alpha-fieldworker", remember=True, user_agent=PHONE):
    """A fresh browser logged in through the real form; returns its test client."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    data = {
        "username": username,
        "password": PASSWORD,
        "csrf_token": AuthActions(client).token(),
    }
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    client.login_response = response
    return client


def copy_of(app, client, name):
    """A second browser holding only a copy of one of the client's cookies."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"{name} cookie missing"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def logged_in(client) -> bool:
    """Tell whether the client's cookies still open a logged-in page; the API, which checks
    the login its own way (logins.user_of_login), must agree."""
    response = client.get("/account")
    assert response.status_code in (200, 302)
    api = client.get("/api/v1/csrf-token").status_code
    assert api in (200, 401)
    assert (api == 200) == (response.status_code == 200), "the page and the API disagree"
    return response.status_code == 200


def post_form(client, path, data=None):
    """Post a form from the account page, with its CSRF token."""
    token = AuthActions(client).token("/account")
    return client.post(path, data={**(data or {}), "csrf_token": token})


def login_rows(app, username="alpha-fieldworker") -> list[Login]:
    """The stored logins of a user, oldest first."""
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username=username))
        rows = db.session.scalars(db.select(Login).filter_by(user_id=user.id).order_by(Login.id))
        return list(rows)


@pytest.fixture
def shifted(monkeypatch):
    """Move the clock the logins see forward by a given time."""

    def shift(delta: timedelta):
        now = utcnow() + delta
        monkeypatch.setattr(logins, "utcnow", lambda: now)

    return shift


@pytest.mark.parametrize("name", COOKIES)
def test_a_copied_cookie_stops_working_after_logout(app, world, name):
    phone = log_in(app)
    thief = copy_of(app, phone, name)
    assert logged_in(thief), "the copy works while the login does"
    assert post_form(phone, "/logout").status_code == 302
    assert not logged_in(thief)
    assert not logged_in(phone)


def test_the_logout_is_said_even_when_a_request_under_way_brings_back_the_old_cookie(app, world):
    """The service worker refreshes the offline pages in the background; one of its requests
    sent before the logout may answer after it, with the session cookie it was sent. The
    login page must still say that the person is logged out (CI once saw it missing)."""
    phone = log_in(app)
    before = phone.get_cookie("session").value
    response = post_form(phone, "/logout")
    assert response.location == "/login?out=here"
    phone.set_cookie("session", before)  # the late answer of the request under way
    page = phone.get(response.location).get_data(as_text=True)
    assert "Je bent uitgelogd." in page
    assert "Je bent uitgelogd." not in phone.get("/login").get_data(as_text=True)
    assert not logged_in(phone)


@pytest.mark.parametrize("name", COOKIES)
def test_log_out_everywhere_ends_every_login(app, world, name):
    phone, laptop = log_in(app), log_in(app, user_agent="Mozilla/5.0 (X11; Linux x86_64)")
    thief = copy_of(app, phone, name)
    response = post_form(laptop, "/account/logout-everywhere")
    assert response.status_code == 302
    assert response.location == "/login?out=everywhere"
    page = laptop.get(response.location).get_data(as_text=True)
    assert "Je bent uitgelogd op alle apparaten." in page
    assert not logged_in(laptop)
    assert not logged_in(phone)
    assert not logged_in(thief)
    assert all(row.revoked_at is not None for row in login_rows(app))


def test_log_out_everywhere_needs_the_csrf_token(app, world):
    phone = log_in(app)
    assert phone.post("/account/logout-everywhere").status_code == 400
    assert phone.get("/account/logout-everywhere").status_code == 405
    assert logged_in(phone)


@pytest.mark.parametrize("name", COOKIES)
def test_a_password_change_ends_the_other_logins(app, world, name):
    phone, laptop = log_in(app), log_in(app)
    copied_from_laptop = copy_of(app, laptop, name)
    copied_from_phone = copy_of(app, phone, name)
    response = post_form(
        phone,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "new-password-123", "confirm": ""},
    )
    assert response.status_code == 422, "the form is checked first"
    response = post_form(
        phone,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new-password-123",
            "confirm": "new-password-123",
        },
    )
    assert response.status_code == 302
    assert logged_in(phone), "the device that changed it stays logged in"
    assert not logged_in(laptop)
    assert not logged_in(copied_from_laptop)
    assert not logged_in(copied_from_phone), "this device got a new token too"


@pytest.mark.parametrize("name", COOKIES)
def test_deactivation_ends_every_login(app, world, name):
    phone = log_in(app)
    thief = copy_of(app, phone, name)
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="alpha-fieldworker")).active = False
        db.session.commit()
    assert not logged_in(phone)
    assert not logged_in(thief)


def test_sync_answers_401_when_the_login_is_revoked(app, world):
    phone = log_in(app)
    thief = copy_of(app, phone, "remember_token")
    token = AuthActions(thief).token("/account")
    post_form(phone, "/account/logout-everywhere")
    response = thief.post("/api/v1/sync", json={"records": []}, headers={"X-CSRFToken": token})
    assert response.status_code == 401


def test_two_logins_get_different_cookies_and_the_database_only_a_hash(app, world):
    first, second = log_in(app), log_in(app)
    tokens = [client.get_cookie("remember_token").value.split("|")[0] for client in (first, second)]
    assert tokens[0] != tokens[1]
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-fieldworker"))
        assert all(token != str(user.id) for token in tokens)
    rows = login_rows(app)
    assert [row.token_hash for row in rows] == [
        hashlib.sha256(token.encode()).hexdigest() for token in tokens
    ]
    stored = " ".join(str(value) for row in rows for value in vars(row).values())
    assert not any(token in stored for token in tokens), "the plain token is never stored"
    with first.session_transaction() as session:
        assert session["_user_id"] == tokens[0], "the session carries the token, not the id"


def test_a_session_with_a_bare_user_id_is_not_logged_in(app, world):
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(username="alpha-fieldworker"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
    assert not logged_in(client)


def test_the_session_is_new_after_login(app, world):
    client = app.test_client()
    auth = AuthActions(client)
    client.post("/language", data={"locale": "en", "csrf_token": auth.token()})
    with client.session_transaction() as session:
        before = session["csrf_token"]
        session["planted"] = "by someone else"
    auth.login("alpha-fieldworker")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != before
        assert session["locale"] == "en", "the language chosen before login is kept"


def test_remembered_logins_last_the_configured_days(app_factory, world_in, shifted):
    app = world_in(app_factory(REMEMBER_DAYS=10))
    phone, tablet = log_in(app), log_in(app)
    cookie = next(
        header
        for header in phone.login_response.headers.getlist("Set-Cookie")
        if header.startswith("remember_token=")
    )
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (utcnow() + timedelta(days=10))) < timedelta(minutes=1)
    shifted(timedelta(days=9, hours=23))
    assert logged_in(copy_of(app, phone, "remember_token"))
    shifted(timedelta(days=10, minutes=1))
    assert not logged_in(copy_of(app, tablet, "remember_token")), "unused for 10 days"
    assert not logged_in(tablet)


def test_a_login_in_use_does_not_expire(app, world, shifted):
    phone = log_in(app)
    first = login_rows(app)[0]
    shifted(timedelta(minutes=2))
    response = phone.get("/account")
    assert response.status_code == 200
    assert login_rows(app)[0].last_seen_at == first.last_seen_at, "no write on every request"
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    shifted(timedelta(days=20))
    response = phone.get("/account")
    assert response.status_code == 200
    touched = login_rows(app)[0]
    assert touched.expires_at - first.expires_at >= timedelta(days=19, hours=23)
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie")), (
        "the remember cookie is sent again with its full duration"
    )
    thief = copy_of(app, phone, "remember_token")
    shifted(timedelta(days=50, minutes=1))
    assert not logged_in(thief), "30 days after its last use, a login has expired"


def test_a_phones_sync_keeps_its_login_alive_as_a_page_does(app, world, shifted):
    phone = log_in(app)
    first = login_rows(app)[0]
    token = AuthActions(phone).token("/account")

    def sync():
        return phone.post("/api/v1/sync", json={"records": []}, headers={"X-CSRFToken": token})

    shifted(timedelta(minutes=2))
    assert sync().status_code == 200
    assert login_rows(app)[0].last_seen_at == first.last_seen_at, "no write on every request"
    shifted(timedelta(days=20))
    response = sync()
    assert response.status_code == 200
    touched = login_rows(app)[0]
    assert touched.expires_at - first.expires_at >= timedelta(days=19, hours=23)
    assert touched.expires_at.tzinfo is not None
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie")), (
        "the remember cookie is sent again with its full duration"
    )
    shifted(timedelta(days=49))
    assert sync().status_code == 200, "29 days after its last use, the login still works"
    shifted(timedelta(days=80, minutes=1))
    assert sync().status_code == 401, "30 days after its last use, a login has expired"


def test_a_phones_sync_reads_its_login_once_and_loads_no_user(app, world):
    """A sync through the session cookie checks the login in one statement; Flask-Login's
    loading of the login and the user, which pages need, is left out."""
    phone = log_in(app)
    token = AuthActions(phone).token("/account")
    statements = []
    with app.app_context():
        engine = db.engine

    def seen(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        body = {"records": []}
        response = phone.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token})
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    logins_read = [s for s in statements if re.search(r"\bFROM logins\b", s)]
    assert len(logins_read) == 1, statements
    assert "JOIN users" in logins_read[0]
    assert not [s for s in statements if re.search(r"\bFROM users\b", s)], statements


def test_a_login_without_stay_logged_in_ends_after_idle_hours(app, world, shifted):
    laptop, desktop = log_in(app, remember=False), log_in(app, remember=False)
    assert laptop.get_cookie("remember_token") is None
    shifted(timedelta(hours=11))
    assert logged_in(laptop)
    shifted(timedelta(hours=12, minutes=1))
    assert not logged_in(desktop), "unused for 12 hours"
    assert logged_in(laptop), "used at 11 hours, so it lasts until 23"
    shifted(timedelta(hours=24, minutes=2))
    assert not logged_in(laptop)


def test_logging_in_without_stay_logged_in_drops_an_old_remember_cookie(app, world):
    phone, laptop = log_in(app), log_in(app)
    post_form(laptop, "/account/logout-everywhere")
    assert phone.get_cookie("remember_token") is not None, "the phone was not told"
    data = {"username": "alpha-fieldworker", "password": PASSWORD}
    data["csrf_token"] = AuthActions(phone).token()
    assert phone.post("/login", data=data).status_code == 302
    assert phone.get_cookie("remember_token") is None
    assert logged_in(phone)


def test_stay_logged_in_is_ticked_by_default(client, world):
    page = client.get("/login").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="remember"[^>]*>', page).group(0)
    assert 'type="checkbox"' in checkbox
    assert re.search(r"\bchecked\b", checkbox)


def test_the_account_page_lists_the_logins(app, world):
    phone = log_in(app)
    log_in(app, user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Firefox/128.0")
    page = phone.get("/account").get_data(as_text=True)
    assert "Waar je bent ingelogd" in page
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.DOTALL)
    this = [card for card in cards if "Chrome · Android" in card]
    other = [card for card in cards if "Firefox · Windows" in card]
    assert len(this) == len(other) == 1
    assert "dit apparaat" in this[0]
    assert "dit apparaat" not in other[0]
    assert "Uitloggen op alle apparaten" in page


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (PHONE, "Chrome · Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari · iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge · Windows",
        ),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko Firefox/127.0", None),
        ("curl/8.5.0", ""),
        (None, ""),
    ],
)
def test_device_names_are_coarse(agent, device):
    expected = "Firefox · macOS" if device is None else device
    assert logins.device_of(agent) == expected


@pytest.fixture
def world_in():
    """Fill an app made by app_factory with the schema and two studies."""

    def fill(app):
        with app.app_context():
            db.create_all()
            factories.two_studies()
            db.session.commit()
        return app

    return fill
