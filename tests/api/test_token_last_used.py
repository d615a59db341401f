"""A token's last use is kept to the minute: a phone syncing every few seconds does not make
every request a write."""

from datetime import timedelta

import sqlalchemy as sa

from observations.extensions import db
from observations.models import ApiToken
from tests.conftest import api_token, bearer


def last_used(app):
    with app.app_context():
        return db.session.scalar(sa.select(ApiToken.last_used_at))


def test_the_last_use_is_written_at_first_and_then_at_most_once_a_minute(app, world, client):
    token = api_token(app, "alpha-fieldworker")
    assert last_used(app) is None
    assert client.get("/api/v1/studies/alpha/capture", headers=bearer(token)).status_code == 200
    first = last_used(app)
    assert first is not None

    assert client.get("/api/v1/studies/alpha/capture", headers=bearer(token)).status_code == 200
    assert last_used(app) == first, "not written again within the minute"

    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(last_used_at=first - timedelta(minutes=2)))
        db.session.commit()
    assert client.get("/api/v1/studies/alpha/capture", headers=bearer(token)).status_code == 200
    assert last_used(app) > first - timedelta(minutes=2)
