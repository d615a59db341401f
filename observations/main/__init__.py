"""The home page that sends each user to their role's first page."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import calendar, health, routes  # noqa: F401
