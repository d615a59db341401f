"""What the generator needs to know about sites and observers: open, available, away.

The rules live with their owners (a site without opening hours is always open; a member
without availability can observe at any time; dates away always win): sites.hours for
opening hours, team for availability and for who observes. Times are aware local times.
"""

from datetime import datetime

from .. import team
from ..models import Membership, Site, Study
from ..sites import hours


def site_is_open(site: Site, starts: datetime, ends: datetime) -> bool:
    """Whether the whole of [starts, ends) falls inside one of the site's opening periods."""
    return hours.is_open(site, starts, ends)


def is_available(membership: Membership, starts: datetime, ends: datetime) -> bool:
    """Whether the member can observe the whole of [starts, ends) and is not away."""
    return team.is_available(membership, starts, ends)


def observers(study: Study) -> list[Membership]:
    """Who may be planned (team.observers), by observer code."""
    return sorted(team.observers(study), key=lambda m: (m.observer_code, m.id))
