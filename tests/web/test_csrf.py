"""Every state change needs a CSRF token; a missing one gets a clear, translated page."""

import pytest

from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"username": "alpha-lead", "password": PASSWORD}),
        ("/language", {"locale": "en"}),
    ],
)
def test_anonymous_posts_without_token_are_rejected(client, world, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "Dit formulier was verlopen" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/logout", {}),
        ("/account", {"display_name": "X", "locale": "nl"}),
        (
            "/account/password",
            {"current_password": PASSWORD, "new_password": "a" * 12, "confirm": "a" * 12},
        ),
    ],
)
def test_logged_in_posts_without_token_are_rejected(client, auth, world, path, data):
    auth.login("alpha-lead")
    assert client.post(path, data=data).status_code == 400
    assert client.get("/studies/alpha/research/").status_code == 200, "still logged in"


def test_admin_post_without_token_is_rejected(client, auth, world):
    auth.login("root")
    response = client.post("/admin/studies", data={"name": "X", "slug": "x-study"})
    assert response.status_code == 400


def test_a_token_from_another_session_is_rejected(app, client, world):
    other = app.test_client()
    stolen = other.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_token

    response = client.post(
        "/login",
        data={"username": "alpha-lead", "password": PASSWORD, "csrf_token": csrf_token(stolen)},
    )
    assert response.status_code == 400
