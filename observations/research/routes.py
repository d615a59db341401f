"""Research lead home: figures per site, the review queue's counts, and running sessions."""

from flask import g, render_template

from .. import indicators
from ..review import queue
from . import bp
from .review_forms import state_names


@bp.route("/")
def index():
    """Show sessions, hours and encounters per site, counts per review state, running ones."""
    newest = queue.page(g.study, queue.Filters(state="pending"))
    return render_template(
        "research/index.html",
        overview=indicators.site_overview(g.study),
        counts=newest.counts,
        pending=newest.cards[:5],
        running=newest.running,
        states=state_names(),
        codes=queue.observer_codes(g.study),
    )
