"""Where failed logins and API requests are counted: in Redis every app instance (worker)
shares the counts; in memory each counts on its own, and a production start-up says so."""

import logging
import uuid

import pytest
import redis
from limits.storage import storage_from_string

from observations.extensions import db
from tests import factories
from tests.conftest import PASSWORD, AuthActions, api_token, bearer

REDIS = "redis://127.0.0.1:6379"
SYNC = "/api/v1/sync"


def two_instances(app_factory, **config):
    """Two apps on one database, like two gunicorn workers; the world is in it."""
    apps = [app_factory(LOGIN_LIMITS="4 per minute", **config) for _ in range(2)]
    with apps[-1].app_context():
        db.create_all()
        factories.two_studies()
        db.session.commit()
    return apps


def fail_alternately(apps, times: int) -> list[int]:
    """Send wrong passwords to the instances in turn; return the status codes."""
    clients = [AuthActions(app.test_client()) for app in apps]
    return [
        clients[number % len(clients)].login("alpha-lead", "wrong").status_code
        for number in range(times)
    ]


@pytest.fixture
def redis_config():
    """Settings that count in the local Redis under keys unique to this test."""
    prefix = f"terloops-test-{uuid.uuid4().hex}"
    options = {"key_prefix": prefix}
    yield {
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_STORAGE_OPTIONS": options,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    storage_from_string(REDIS, **options).reset()


def test_instances_sharing_redis_share_the_counts(app_factory, redis_config):
    apps = two_instances(app_factory, **redis_config)
    assert fail_alternately(apps, 4) == [200, 200, 200, 200]
    for app in apps:
        client = AuthActions(app.test_client())
        assert client.login("alpha-lead", "wrong").status_code == 429
        assert client.login("alpha-lead", PASSWORD).status_code == 429


def test_instances_counting_in_memory_each_count_on_their_own(app_factory):
    apps = two_instances(app_factory, RATELIMIT_STORAGE_URI="memory://")
    assert fail_alternately(apps, 8) == [200] * 8, "4 per minute, yet 8 failures pass"
    assert fail_alternately(apps, 2) == [429, 429]


def test_a_production_start_warns_when_counting_in_memory(app_factory, caplog):
    with caplog.at_level(logging.WARNING):
        app_factory(TESTING=False)
    assert "Login attempts are counted in process memory" in caplog.text


def test_no_warning_with_redis(app_factory, redis_config, caplog):
    with caplog.at_level(logging.WARNING):
        app_factory(TESTING=False, **redis_config)
    assert "process memory" not in caplog.text


def test_the_api_limit_holds_across_instances_sharing_redis(app_factory, redis_config):
    apps = two_instances(app_factory, API_LIMITS="4 per minute", **redis_config)
    token = api_token(apps[0], "alpha-fieldworker")
    clients = [app.test_client() for app in apps]
    statuses = [
        clients[number % 2].post(SYNC, json={"records": []}, headers=bearer(token)).status_code
        for number in range(4)
    ]
    assert statuses == [200] * 4
    # One count in Redis that both instances added to (in one process the two apps would
    # share a memory count too), under a hash of the token, never the token itself.
    store = redis.Redis.from_url(REDIS)
    keys = [k.decode() for k in store.scan_iter(f"{redis_config['RATELIMIT_KEY_PREFIX']}*")]
    counts = [k for k in keys if "/api-token:" in k]
    assert len(counts) == 1, keys
    assert int(store.get(counts[0])) == 4
    assert token not in counts[0]
    for client in clients:
        assert client.post(SYNC, json={"records": []}, headers=bearer(token)).status_code == 429
