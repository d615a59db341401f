"""Logging in and out, the language switch and the user's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import password_link, routes, throttle  # noqa: F401

# Login attempts are counted in a storage opened once per app.
bp.record_once(lambda state: throttle.init_app(state.app))
