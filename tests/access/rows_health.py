"""Route × role rows for the health check (main/health.py): GET /healthz answers everyone,
logged in or not, with the database's state and without touching the login or the session.

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row, everyone


def _healthy(response, _world, _actor) -> None:
    """200 with the database's state as JSON, and no cookie: the check never uses the login."""
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == body["database"] == "ok", body
    assert "Set-Cookie" not in response.headers, response.headers["Set-Cookie"]


ROWS: list = [Row("main.health", "GET", everyone(), check=_healthy)]
