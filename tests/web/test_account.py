"""The user's own account: name, language and password."""

import re

from observations.extensions import db
from observations.models import User
from tests.conftest import PASSWORD, AuthActions


def change_password(client, auth, current, new, confirm=None):
    """Submit the password form."""
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": confirm or new,
            "csrf_token": auth.token("/account"),
        },
    )


def test_name_and_language_are_saved(app, client, auth, world):
    auth.login("alpha-lead")
    response = client.post(
        "/account",
        data={"display_name": " Lieke ", "locale": "en", "csrf_token": auth.token("/account")},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-lead"))
        assert (user.display_name, user.locale) == ("Lieke", "en")
    assert "Your account has been saved." in client.get("/account").get_data(as_text=True)


def test_password_change_needs_the_current_password(client, auth, world):
    auth.login("alpha-lead")
    response = change_password(client, auth, "wrong-current", "new-password-123")
    assert response.status_code == 422
    assert "Het huidige wachtwoord klopt niet." in response.get_data(as_text=True)


def test_short_and_mismatched_passwords_are_explained(client, auth, world):
    auth.login("alpha-lead")
    page = change_password(client, auth, PASSWORD, "kort").get_data(as_text=True)
    assert "Een wachtwoord heeft minstens 10 tekens nodig." in page
    page = change_password(client, auth, PASSWORD, "new-password-123", "other-password-1")
    assert "De twee nieuwe wachtwoorden zijn niet gelijk." in page.get_data(as_text=True)


def test_changed_password_works_and_old_one_does_not(app, client, auth, world):
    auth.login("alpha-lead")
    assert change_password(client, auth, PASSWORD, "new-password-123").status_code == 302
    auth.logout()
    assert auth.login("alpha-lead").status_code == 200
    assert auth.login("alpha-lead", "new-password-123").status_code == 302


def test_guessing_the_current_password_is_limited_per_user(app, client, auth, world):
    auth.login("alpha-lead")
    for _ in range(5):
        assert change_password(client, auth, "wrong-current", "new-password-123").status_code == 422
    response = change_password(client, auth, PASSWORD, "new-password-123")
    assert response.status_code == 429, "even the right password waits"
    page = response.get_data(as_text=True)
    assert re.search(r"Het huidige wachtwoord was te vaak verkeerd\. Wacht 1[45] minuten", page)
    assert 840 <= int(response.headers["Retry-After"]) <= 900
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-lead"))
        assert user.check_password(PASSWORD), "nothing changed"
    other = app.test_client()
    other_auth = AuthActions(other)
    other_auth.login("alpha-coordinator")
    response = change_password(other, other_auth, PASSWORD, "new-password-123")
    assert response.status_code == 302, "other users are not limited"


def test_a_wrong_new_password_does_not_count_as_a_guess(client, auth, world):
    auth.login("alpha-lead")
    for _ in range(6):
        assert change_password(client, auth, PASSWORD, "kort").status_code == 422
    assert change_password(client, auth, PASSWORD, "new-password-123").status_code == 302
