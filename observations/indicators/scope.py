"""The part of a study the filters leave: its sessions in SQL, and the local hours kept.

A session is in scope when it belongs to the study, has ended, is not retracted, has one of
the review states, lies at one of the sites and — with a zone filter — covers one of the
zones. Its observed time and its records count in the local hours the filters keep (dates,
weekday/weekend, time window), each by its own time: a record a phone stamped outside its
session's time counts where it was stamped. Records count when they are not retracted and
lie in one of the zones (with a zone filter; an encounter without a zone then does not
count).
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from ..extensions import db
from ..models import Session, Study, session_zones
from .filters import Filters
from .local_time import LocalClock, day_number, epoch_seconds

UNKNOWN = "unknown"


# The sessions any indicator counts: ended and not withdrawn.
COUNTED = (Session.ended_at.is_not(None), Session.retracted.is_(False))


def session_columns() -> list:
    """SQL: a session's id, site, review state, programme level, crowding and epochs.

    `programme` is "running" (any programme but "none"), "none" or "unknown" (not recorded).
    """
    running = sa.case(
        (Session.programme.is_(None), UNKNOWN),
        (Session.programme == "none", "none"),
        else_="running",
    )
    return [
        Session.id.label("id"),
        Session.site_id.label("site_id"),
        Session.review_state.label("review_state"),
        running.label("programme"),
        func.coalesce(Session.crowding, UNKNOWN).label("crowding"),
        Session.started_at.label("started_at"),
        epoch_seconds(Session.started_at).label("e0"),
        epoch_seconds(Session.ended_at).label("e1"),
    ]


@dataclass(frozen=True)
class Scope:
    """A study and filters, with the local clock over the span of its sessions."""

    study: Study
    f: Filters
    clock: LocalClock

    @classmethod
    def of(cls, study: Study, f: Filters) -> "Scope":
        """The scope, its clock covering every session of the study (and the filters' dates)."""
        first, last = db.session.execute(
            select(func.min(Session.started_at), func.max(Session.ended_at)).where(
                Session.study_id == study.id
            )
        ).one()
        years = [d.year for d in (first, last, f.date_from, f.date_to) if d is not None]
        years = years or [2000]
        # A record a little outside its session's years still gets the right offset: the
        # offsets before the first and after the last transition hold up to the next change,
        # and no zone changes its clock around New Year.
        return cls(study, f, LocalClock(study.timezone, min(years), max(years)))

    @property
    def utc_from(self):
        """The UTC instant the first day of the filters begins, or None."""
        return self.clock.utc_start(self.f.date_from) if self.f.date_from else None

    @property
    def utc_to(self):
        """The UTC instant after the last day of the filters, or None."""
        return self.clock.utc_start(self.f.date_to + timedelta(days=1)) if self.f.date_to else None

    def sessions(self):
        """SQL (a subquery): the sessions in scope, with the columns of `session_columns`."""
        f = self.f
        query = select(*session_columns()).where(
            Session.study_id == self.study.id,
            *COUNTED,
            Session.review_state.in_(f.review),
        )
        if f.sites:
            query = query.where(Session.site_id.in_(f.sites))
        if f.zones:
            query = query.where(
                select(session_zones.c.session_id)
                .where(
                    session_zones.c.session_id == Session.id,
                    session_zones.c.zone_id.in_(f.zones),
                )
                .exists()
            )
        return query.subquery("scoped")

    def record_filter(self, table, time_column) -> list:
        """SQL conditions on a record table: not retracted, in the zones, within the dates."""
        conditions = [table.c.retracted.is_(False)]
        if self.f.zones:
            conditions.append(table.c.zone_id.in_(self.f.zones))
        if self.utc_from is not None:
            conditions.append(time_column >= self.utc_from)
        if self.utc_to is not None:
            conditions.append(time_column < self.utc_to)
        return conditions

    def keeps(self, hour_number) -> list:
        """SQL conditions: a local hour number lies within the dates, days and time window."""
        f, kept = self.f, []
        if f.date_from:
            kept.append(hour_number >= day_number(f.date_from) * 24)
        if f.date_to:
            kept.append(hour_number < (day_number(f.date_to) + 1) * 24)
        if f.hour_from > 0:
            kept.append(hour_number % 24 >= f.hour_from)
        if f.hour_to < 24:
            kept.append(hour_number % 24 < f.hour_to)
        if f.days != "all":
            weekday = (hour_number // 24 + 3) % 7  # 0 = Monday
            kept.append(weekday < 5 if f.days == "weekday" else weekday >= 5)
        return kept

    @property
    def cuts_days(self) -> bool:
        """Whether the dates or the days leave some days out."""
        f = self.f
        return f.date_from is not None or f.date_to is not None or f.days != "all"

    def keeps_days(self, day) -> list:
        """SQL conditions: a local day number lies within the dates and days."""
        f, kept = self.f, []
        if f.date_from:
            kept.append(day >= day_number(f.date_from))
        if f.date_to:
            kept.append(day <= day_number(f.date_to))
        if f.days != "all":
            weekday = (day + 3) % 7  # 0 = Monday
            kept.append(weekday < 5 if f.days == "weekday" else weekday >= 5)
        return kept
