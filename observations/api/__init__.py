"""The JSON API under /api/v1: sync for phones, read endpoints, the OpenAPI document."""

from flask import Blueprint

from ..extensions import csrf
from . import limits

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Cookie-authenticated requests are checked for CSRF in auth.py; bearer tokens need no check.
csrf.exempt(bp)
limits.install(bp)

from . import indicator_reading, reading, routes  # noqa: F401
