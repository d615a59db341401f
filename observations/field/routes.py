"""Fieldworker home: today's and upcoming slots, and recent own sessions."""

from flask import g, render_template
from flask_login import current_user

from .. import indicators, schedule
from . import bp


@bp.route("/")
def index():
    """Show the user's slots for today and the next two weeks, and their recent sessions."""
    return render_template(
        "field/index.html",
        slots=schedule.days_ahead(g.study, 14, fieldworker=current_user),
        sessions=indicators.recent_sessions(g.study, limit=10, fieldworker=current_user),
    )
