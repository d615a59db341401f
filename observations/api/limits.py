"""How often one caller may use the API (API_LIMITS), counted where the login limits are.

A caller is a personal token, a logged-in browser, or else an address (IPv6: its /64). The
counters live in RATELIMIT_STORAGE_URI: terloops-memory:// per process (limit_storage.py),
redis:// (TERLOOPS_REDIS_URL) shared by every worker and instance. A caller over the limit
gets 429 with Retry-After and a message in its language; a phone keeps its outbox and waits
that long (static/js/sync.js). Keys hold hashes, never a token. Answers within the limit
carry no X-RateLimit headers: those would cost every request a second look at the counter
(in Redis, a second round trip).
"""

import hashlib
import math
import time

from flask import Blueprint, current_app, make_response, request, session
from flask_babel import gettext as _

from ..auth.throttle import address_key, waiting_time
from ..errors import render_error
from ..extensions import limiter


def caller() -> str:
    """The counter's key for this request: its token, its login, or its address."""
    header = request.headers.get("Authorization")
    if header:
        return "api-token:" + _hashed(header)
    login = session.get("_user_id")
    if login:
        return "api-login:" + _hashed(str(login))
    return "api-address:" + address_key(request.remote_addr)


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def _limits() -> str:
    return current_app.config["API_LIMITS"]


def _refused(limit):
    """The answer to a request over the limit: 429, how long to wait, and that it is safe."""
    # reset_at lies a second past the window's end: never more than one window.
    seconds = min(max(1, math.ceil(limit.reset_at - time.time())), limit.limit.get_expiry())
    message = _(
        "Too many requests in a short time. Try again in %(time)s; nothing is lost.",
        time=waiting_time(seconds),
    )
    response = make_response(render_error(429, message))
    response.headers["Retry-After"] = str(seconds)
    return response


def install(bp: Blueprint) -> None:
    """Count every route of the API blueprint against API_LIMITS, together, per caller."""
    limiter.shared_limit(_limits, scope="api", key_func=caller, on_breach=_refused)(bp)
