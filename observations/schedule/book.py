"""Who and what is taken when: the slots already saved and those of a plan being made.

The generator books its drafts here; saving checks a plan against it again.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Membership, Site, Slot, Study
from . import availability

# Time an observer needs between two slots (to travel, to write up): overlapping or
# back-to-back slots at two places cannot both be kept.
GAP = timedelta(minutes=30)


def overlaps(starts, ends, busy, gap=timedelta(0)) -> bool:
    """Whether [starts, ends) comes closer than `gap` to one of the busy periods."""
    return any(starts < e + gap and s < ends + gap for s, e in busy)


class Periods:
    """Busy periods filed by local day, so a check looks at three days, not at all of them."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self.by_day: dict = {}

    def _day(self, moment: datetime):
        """The local day a moment falls on."""
        return moment.astimezone(self.zone).date()

    def add(self, starts: datetime, ends: datetime, tag=None) -> None:
        """File a busy period (tag: the draft it belongs to, if any)."""
        self.by_day.setdefault(self._day(starts), []).append((starts, ends, tag))

    def remove(self, starts: datetime, tag) -> None:
        """Take the tagged period off the list."""
        periods = self.by_day[self._day(starts)]
        periods[:] = [p for p in periods if p[2] is not tag]

    def clashes(self, starts, ends, gap=timedelta(0), leaving=None) -> bool:
        """Whether [starts, ends) comes closer than gap to a period (other than `leaving`'s)."""
        day = self._day(starts)
        near = [
            (s, e)
            for offset in (-1, 0, 1)
            for s, e, tag in self.by_day.get(day + timedelta(days=offset), ())
            if tag is None or tag is not leaving
        ]
        return overlaps(starts, ends, near, gap)


class Book:
    """Who and what is taken when: saved slots and the drafts so far."""

    def __init__(self, study: Study, sites: list[Site], team: list[Membership], request):
        self.zone = ZoneInfo(study.timezone)
        first = datetime.combine(request.first_day, time.min, self.zone) - timedelta(days=1)
        last = datetime.combine(request.last_day, time.max, self.zone) + timedelta(days=1)
        self.site_busy = {site.id: Periods(self.zone) for site in sites}
        self.person_busy = {member.user_id: Periods(self.zone) for member in team}
        self.drafts: dict[int, list] = {member.user_id: [] for member in team}
        for slot in saved_slots(list(self.site_busy), list(self.person_busy), first, last):
            if slot.site_id in self.site_busy:
                self.site_busy[slot.site_id].add(slot.starts_at, slot.ends_at)
            for user_id in (slot.fieldworker_id, slot.partner_id):
                if user_id in self.person_busy:
                    self.person_busy[user_id].add(slot.starts_at, slot.ends_at)

    def load(self, member: Membership) -> int:
        """How many slots the member has in the plan."""
        return len(self.drafts[member.user_id])

    def free(self, member: Membership, starts, ends, leaving=None) -> bool:
        """Whether the member may take [starts, ends): available, not away, not busy."""
        if not availability.is_available(member, starts, ends):
            return False
        return not self.person_busy[member.user_id].clashes(starts, ends, GAP, leaving)

    def assign(self, draft, member: Membership) -> None:
        """Put the member on the draft."""
        draft.observers.append(member)
        self.drafts[member.user_id].append(draft)
        self.person_busy[member.user_id].add(draft.starts, draft.ends, draft)

    def unassign(self, draft, member: Membership) -> None:
        """Take the member off the draft."""
        draft.observers.remove(member)
        self.drafts[member.user_id].remove(draft)
        self.person_busy[member.user_id].remove(draft.starts, draft)


def saved_slots(site_ids, user_ids, first, last) -> list[Slot]:
    """Planned slots in the period at these sites or held by these people (any study)."""
    if not site_ids and not user_ids:
        return []
    return list(
        db.session.scalars(
            select(Slot).where(
                Slot.status == "planned",
                Slot.starts_at >= first,
                Slot.starts_at < last,
                or_(
                    Slot.site_id.in_(site_ids),
                    Slot.fieldworker_id.in_(user_ids),
                    Slot.partner_id.in_(user_ids),
                ),
            )
        )
    )


def sites_of(study: Study, site_ids: list[int]) -> list[Site]:
    """The study's active sites asked for (all of them when none is named)."""
    query = (
        select(Site)
        .where(Site.study_id == study.id, Site.active.is_(True))
        .options(selectinload(Site.opening_hours), selectinload(Site.zones))
        .order_by(Site.position, Site.name)
    )
    if site_ids:
        query = query.where(Site.id.in_(site_ids))
    return list(db.session.scalars(query))
