"""Named objects of the access tests' world for the schedule: generator, list, calendar,
coverage, calendar feeds (manage/schedule).
"""

from datetime import timedelta

from sqlalchemy import select

from observations.extensions import db
from observations.models import Membership, Site, Slot, utcnow
from observations.schedule import calendar as ical

# -- list, week calendar, reassign, cancel, calendar feeds


def _slot(study, user) -> int:
    """A planned slot of the user tomorrow at the study's first site; returns its id."""
    site = db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.id)).first()
    slot = Slot(
        study_id=study.id,
        site_id=site.id,
        starts_at=utcnow().replace(microsecond=0) + timedelta(days=1),
        duration_minutes=60,
        fieldworker_id=user.id,
        time_window="09:00-12:00",
        zones=list(site.zones),
    )
    db.session.add(slot)
    db.session.flush()
    return slot.id


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    world.objects["slot of study a"] = _slot(studies["a"], users["fieldworker_a"])
    world.objects["slot of study b"] = _slot(studies["b"], users["fieldworker_b"])
    membership = db.session.scalar(
        select(Membership).filter_by(study_id=studies["a"].id, user_id=users["fieldworker_a"].id)
    )
    world.objects["calendar token of fieldworker_a"] = ical.new_address(
        membership, users["fieldworker_a"]
    )
    world.objects["unknown calendar token"] = "geen-geldige-agenda-sleutel"
