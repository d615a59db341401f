"""How often one caller may use the API: API_LIMITS per token, per login, per address."""

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import User
from tests import factories
from tests.conftest import AuthActions, api_token, bearer

SYNC = "/api/v1/sync"


@pytest.fixture
def limited(app_factory):
    """An app that allows three API requests per minute per caller, with two studies."""
    app = app_factory(API_LIMITS="3 per minute")
    with app.app_context():
        db.create_all()
        factories.two_studies()
        db.session.commit()
    return app


def sync(client, headers=None):
    return client.post(SYNC, json={"records": []}, headers=headers or {})


def test_a_token_over_the_limit_waits_and_is_told_how_long(limited):
    client, token = limited.test_client(), api_token(limited, "alpha-fieldworker")
    assert [sync(client, bearer(token)).status_code for _ in range(3)] == [200] * 3
    refused = sync(client, bearer(token))
    assert refused.status_code == 429
    assert refused.is_json and refused.get_json()["error"] == "Te veel pogingen"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Every route of the API counts, the read API too.
    assert client.get("/api/v1/openapi.json", headers=bearer(token)).status_code == 429


def test_each_token_has_its_own_count(limited):
    client = limited.test_client()
    first, second = (api_token(limited, "alpha-fieldworker") for _ in range(2))
    other = api_token(limited, "beta-fieldworker")
    for _ in range(3):
        sync(client, bearer(first))
    assert sync(client, bearer(first)).status_code == 429
    assert sync(client, bearer(second)).status_code == 200
    assert sync(client, bearer(other)).status_code == 200


def test_unknown_tokens_count_too(limited):
    client = limited.test_client()
    wrong = bearer("tl_" + "x" * 40)
    assert [sync(client, wrong).status_code for _ in range(4)] == [401, 401, 401, 429]


def test_a_logged_in_browser_is_counted_by_its_login(limited):
    browser, stranger = limited.test_client(), limited.test_client()
    AuthActions(browser).login("alpha-fieldworker")
    statuses = [browser.get("/api/v1/csrf-token").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another device without a login is counted by its address, on its own.
    assert stranger.get("/api/v1/openapi.json").status_code == 200


def test_the_rest_of_the_app_is_not_counted(limited):
    client, token = limited.test_client(), api_token(limited, "alpha-fieldworker")
    for _ in range(3):
        sync(client, bearer(token))
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_the_refusal_says_how_long_to_wait_in_the_callers_language(limited):
    client, token = limited.test_client(), api_token(limited, "alpha-fieldworker")
    for _ in range(3):
        sync(client, bearer(token))
    dutch = sync(client, bearer(token)).get_json()["message"]
    assert dutch.startswith("Te veel verzoeken"), dutch
    assert "1 minuut" in dutch or "seconden" in dutch, "the window: a minute at most"
    # A phone's browser is logged in: its user's own language.
    with limited.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="beta-fieldworker"))
        user.locale = "en"
        db.session.commit()
    browser = limited.test_client()
    AuthActions(browser).login("beta-fieldworker")
    for _ in range(3):
        browser.get("/api/v1/csrf-token")
    english = browser.get("/api/v1/csrf-token").get_json()["message"]
    assert english.startswith("Too many requests") and "nothing is lost" in english, english


def test_answers_within_the_limit_carry_no_counter_headers(limited):
    client, token = limited.test_client(), api_token(limited, "alpha-fieldworker")
    answer = sync(client, bearer(token))
    assert answer.status_code == 200
    assert "Retry-After" not in answer.headers
    assert not [name for name, _value in answer.headers if name.startswith("X-RateLimit")]
