"""GET /healthz: tells a reverse proxy or a monitor whether this instance can serve.

An instance that cannot reach its database cannot serve anything, so the check asks the
database one trivial question (SELECT 1): no login, no session cookie, no form token, no
rate limit, no translation, so a proxy may ask it every few seconds. The answer is 200 with
{"status": "ok", "database": "ok"}, or 503 with a short reason; the database's own error
(which may name hosts and users) goes to the log only.

With TERLOOPS_REDIS_URL the check also PINGs Redis, which holds the task queue and the login
limits. Without Redis phones still sync and pages still show, but exports wait and logins
cannot be counted: the answer stays 200 (a proxy that took every instance out would stop
the syncing too) with "status": "degraded" and "redis": "unavailable", for a monitor to
alert on.
"""

import logging
import time

import redis
import sqlalchemy as sa
from flask import current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from . import bp

logger = logging.getLogger(__name__)
EXTENSION = "health_redis"
REDIS_TIMEOUT_SECONDS = 1.0


def _milliseconds(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _redis_state() -> dict:
    """{"redis": "ok", "redis_ms": …} or {"redis": "unavailable", "reason": …}; {} if unused."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return {}
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        current_app.extensions[EXTENSION] = client
    started = time.perf_counter()
    try:
        client.ping()
    except redis.RedisError as error:
        logger.error("health check: Redis did not answer: %s", error)
        return {
            "redis": "unavailable",
            "reason": f"Redis did not answer ({type(error).__name__}): exports wait, "
            "logins cannot be counted",
        }
    return {"redis": "ok", "redis_ms": _milliseconds(started)}


@bp.get("/healthz")
@limiter.exempt
def health():
    """200 when the database answers a SELECT 1; 503 with a reason when it does not."""
    started = time.perf_counter()
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.error("health check: the database did not answer: %s", error)
        response = jsonify(
            status="unavailable",
            database="unavailable",
            reason=f"the database did not answer ({type(error).__name__})",
        )
        response.status_code = 503
    else:
        # The SELECT 1 opened a transaction; end it, so that no connection waits idle in one.
        db.session.rollback()
        state = {"status": "ok", "database": "ok", "database_ms": _milliseconds(started)}
        state |= _redis_state()
        if state.get("redis") == "unavailable":
            state["status"] = "degraded"
        response = jsonify(state)
    response.headers["Cache-Control"] = "no-store"
    return response
