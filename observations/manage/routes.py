"""Coordinator home: sites with zones, the team and the coming week's schedule."""

from flask import g, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import schedule
from ..extensions import db
from ..models import Membership, Site
from . import bp


@bp.route("/")
def index():
    """Show the study's sites and zones, its members and the next seven days of slots."""
    sites = db.session.scalars(
        select(Site)
        .filter_by(study_id=g.study.id)
        .options(selectinload(Site.zones))
        .order_by(Site.name)
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
