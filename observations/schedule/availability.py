"""What the generator needs to know about sites and observers: open, available, away.

Read straight from the models (a site without opening hours is always open; a member
without availability rows can observe at any time; dates away always win). Times are
aware local times of the study; a slot lies within one day.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Membership, Role, Site, Study, User


def _within(starts: datetime, ends: datetime, periods) -> bool:
    """Whether [starts, ends) lies inside one (weekday, from, to) period of that day."""
    if ends.date() != starts.date():
        return False
    weekday, first, last = starts.weekday(), starts.time(), ends.time()
    return any(
        day == weekday and opens <= first and last <= closes for day, opens, closes in periods
    )


def site_is_open(site: Site, starts: datetime, ends: datetime) -> bool:
    """Whether the whole of [starts, ends) falls inside one of the site's opening periods."""
    if not site.opening_hours:
        return True
    return _within(starts, ends, ((h.weekday, h.opens, h.closes) for h in site.opening_hours))


def is_away(membership: Membership, starts: datetime) -> bool:
    """Whether the member is away on the slot's day."""
    day = starts.date()
    return any(a.first_day <= day <= a.last_day for a in membership.absences)


def is_available(membership: Membership, starts: datetime, ends: datetime) -> bool:
    """Whether the member can observe the whole of [starts, ends) and is not away that day."""
    if is_away(membership, starts):
        return False
    if not membership.availability:
        return True
    return _within(starts, ends, ((a.weekday, a.starts, a.ends) for a in membership.availability))


def observers(study: Study) -> list[Membership]:
    """The study's active fieldworkers with an active account, by observer code."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.study_id == study.id,
                Membership.active.is_(True),
                Membership.role == Role.FIELDWORKER.value,
                User.active.is_(True),
            )
            .options(
                selectinload(Membership.availability),
                selectinload(Membership.absences),
                selectinload(Membership.user),
            )
            .order_by(Membership.observer_code, Membership.id)
        )
    )
