"""One-time password links: a new account sets its password once, then logs in with it."""

from datetime import timedelta

import sqlalchemy as sa

from observations import accounts, password_links
from observations.extensions import db
from observations.models import PasswordLink, User, utcnow
from tests.conftest import csrf_token

NEW_PASSWORD = "een-lang-wachtwoord"


def invite(app, username="nieuw") -> str:
    """An invited account and the path of its link."""
    with app.app_context(), app.test_request_context():
        user = accounts.create_invited_user(username, "Nieuwe Waarnemer")
        token = password_links.issue(user, "invite")
        db.session.commit()
        return "/password/" + token


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    """Post the form of the link's page."""
    token = csrf_token(client.get(path).get_data(as_text=True))
    data = {"new_password": password, "confirm": confirm or password, "csrf_token": token}
    return client.post(path, data=data)


def test_an_invited_account_cannot_log_in_until_its_link_is_used(app, client, auth):
    path = invite(app)
    assert auth.login("nieuw", NEW_PASSWORD).status_code == 200  # refused: the form again
    page = client.get(path).get_data(as_text=True)
    assert "nieuw" in page and 'autocomplete="new-password"' in page
    answer = choose(client, path)
    assert answer.status_code == 302 and answer.location.endswith("/login")
    assert auth.login("nieuw", NEW_PASSWORD).status_code == 302


def test_a_link_works_once(app, client):
    path = invite(app)
    assert choose(client, path).status_code == 302
    again = client.get(path)
    assert again.status_code == 404
    assert "nieuwe link" in again.get_data(as_text=True)


def test_a_bad_password_keeps_the_link_and_says_why(app, client):
    path = invite(app)
    answer = choose(client, path, password="kort")
    assert answer.status_code == 422
    assert "minstens 10 tekens" in answer.get_data(as_text=True)
    answer = choose(client, path, confirm="iets-anders-lang")
    assert answer.status_code == 422
    assert choose(client, path).status_code == 302


def test_an_expired_or_replaced_link_is_refused(app, client):
    old = invite(app)
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(sa.select(User).filter_by(username="nieuw"))
        newer = "/password/" + password_links.issue(user, "reset")
        db.session.commit()
    assert client.get(old).status_code == 404
    with app.app_context():
        db.session.execute(sa.update(PasswordLink).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert client.get(newer).status_code == 404
