"""Coordinator home: sites with zones, the team and the coming week's schedule."""

from flask import g, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import schedule
from ..extensions import db
from ..models import Membership, Site
from ..queue_upload import read_queue, upload_queue
from ..validation import Invalid
from . import bp
from .forms import QueueUploadForm


@bp.route("/")
def index():
    """Show the study's sites and zones, its members and the next seven days of slots."""
    sites = db.session.scalars(
        select(Site)
        .filter_by(study_id=g.study.id)
        .options(selectinload(Site.zones))
        .order_by(Site.position, Site.name)
    )
    team = db.session.scalars(
        select(Membership)
        .filter_by(study_id=g.study.id)
        .options(selectinload(Membership.user))
        .order_by(Membership.observer_code)
    )
    return render_template(
        "manage/index.html",
        sites=list(sites),
        team=list(team),
        slots=schedule.days_ahead(g.study, 7),
    )


@bp.route("/queue", methods=["GET", "POST"])
def queue():
    """Upload a phone's queue file into the same sync path the phone uses."""
    members = db.session.scalars(
        select(Membership)
        .filter_by(study_id=g.study.id, active=True)
        .options(selectinload(Membership.user))
        .order_by(Membership.observer_code)
    ).all()
    form = QueueUploadForm()
    # A required select starts with an empty option, so nobody is chosen by accident.
    form.fieldworker.choices = [
        SelectChoice("", _("Choose a fieldworker")),
        *(SelectChoice(m.user_id, f"{m.observer_code} · {m.user.name}") for m in members),
    ]
    report = None
    if form.validate_on_submit():
        try:
            data = read_queue(form.file.data.read())
        except Invalid as error:
            form.file.errors = list(form.file.errors) + error.errors["file"]
        else:
            owner = next(m.user for m in members if m.user_id == form.fieldworker.data)
            report = upload_queue(data, g.study, owner, current_user, form.file.data.filename)
    status = 422 if form.errors else 200
    return render_template("manage/queue.html", form=form, report=report), status
