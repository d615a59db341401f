"""Fieldwork pages: home, starting a session and the session screen.

The start and session pages are shells: everything on them comes from the study (sites,
zones, codebook) and works offline; the session itself lives on the phone until synced.
"""

from flask import g, render_template, url_for
from flask_login import current_user

from .. import indicators, schedule
from ..capture import capture_data, open_sessions
from ..extensions import db
from ..forms import Form
from ..models import Encounter, FieldNote
from ..review.forgotten import recently_closed
from ..schedule import calendar as ical
from ..text import rule_of
from . import bp
from .outcomes import recently_reviewed, with_outcomes
from .passers import passer_choices
from .strings import client_strings


def _capture_page(template: str, **extra):
    """Render a capture page with the study's data and the script texts embedded."""
    data = capture_data(g.study, current_user)
    categories = {c["key"]: c for c in data["codebook"]["categories"]}
    # The page shows the codebook as buttons; its scripts only need the version number.
    data["codebook"] = {"version": data["codebook"]["version"]}
    data["user"] = current_user.id
    # Longest texts the server stores; the phone counts towards them and refuses more.
    limits = {
        "note": rule_of(FieldNote.text).longest,
        "short_note": rule_of(Encounter.note).longest,
    }
    return render_template(
        template,
        data=data,
        categories=categories,
        strings=client_strings(),
        limits=limits,
        **extra,
    )


@bp.route("/")
def index():
    """Today's and upcoming slots, open sessions, and recent own sessions."""
    return home()


def home(status: int = 200, reply_forms: dict | None = None):
    """The home page; `reply_forms` are reply forms to show again with what was typed."""
    reviewed = recently_reviewed(g.study, current_user)
    shown = {row["session"].id for row in reviewed}
    recent = [
        row
        for row in indicators.recent_sessions(g.study, limit=10, fieldworker=current_user)
        if row["session"].id not in shown
    ]
    return _capture_page(
        "field/index.html",
        slots=schedule.days_ahead(g.study, 14, fieldworker=current_user),
        reviewed=with_outcomes(reviewed, current_user, reply_forms),
        sessions=with_outcomes(recent, current_user, reply_forms),
        open_sessions=open_sessions(g.study, current_user),
        closed_sessions=recently_closed(current_user.id, study=g.study),
    ), status


@bp.route("/start")
def start():
    """The form that starts a session (planned from a slot, or unplanned)."""
    return _capture_page("field/start.html")


@bp.route("/session")
def session():
    """The session screen; the session's UUID follows the # in the address."""
    return _capture_page("field/session.html", passers=passer_choices())


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """The observer's calendar: a private address to subscribe to (shown once) and a download."""
    form = Form()  # only the CSRF token
    address = None
    if form.validate_on_submit():
        token = ical.new_address(g.membership, current_user)
        db.session.commit()
        address = url_for("main.calendar_feed", token=token, _external=True)
    return render_template(
        "field/calendar.html",
        form=form,
        address=address,
        has_address=g.membership.calendar_token_hash is not None,
    )


@bp.route("/calendar.ics")
def calendar_download():
    """The observer's own slots as an .ics file."""
    return ical.ics_response(
        g.study, current_user, f"terloops-{g.study.slug}-{g.membership.observer_code}.ics"
    )
