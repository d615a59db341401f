"""GET /healthz: tells a reverse proxy or a monitor whether this instance can serve.

An instance that cannot reach its database cannot serve anything, so the check asks the
database one trivial question (SELECT 1) and nothing else: no login, no session cookie, no
form token, no rate limit, no translation, so a proxy may ask it every few seconds. The
answer is 200 with {"status": "ok", "database": "ok"}, or 503 with a short reason; the
database's own error (which may name hosts and users) goes to the log only.
"""

import logging
import time

import sqlalchemy as sa
from flask import jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from . import bp

logger = logging.getLogger(__name__)


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
        milliseconds = round((time.perf_counter() - started) * 1000, 1)
        response = jsonify(status="ok", database="ok", database_ms=milliseconds)
    response.headers["Cache-Control"] = "no-store"
    return response
