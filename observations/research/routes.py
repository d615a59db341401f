"""Research lead home: figures per site and the review queue."""

from flask import g, render_template

from .. import indicators
from . import bp


@bp.route("/")
def index():
    """Show sessions, hours and encounters per site, and sessions awaiting review."""
    return render_template(
        "research/index.html",
        overview=indicators.site_overview(g.study),
        pending=indicators.recent_sessions(g.study, limit=15, state="pending"),
    )
