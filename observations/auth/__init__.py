"""Logging in and out, the language switch and the user's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: F401
