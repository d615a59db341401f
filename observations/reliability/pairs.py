"""Paired sessions: two observers at the same site, at the same time, watching a common zone.

A study's sessions pair up when they are ended, not withdrawn (retracted) and not rejected in
review; belong to two different fieldworkers; lie at the same site; overlap in time (one
starts before the other ends: sessions that only touch do not pair); and share at least one
zone. What the two observers could both have seen is the *window* of the pair: the time both
were observing, in the zones both were watching. Three observers at once make three pairs.

Filters: one site, and a period of local days (of the study's time zone) in which both
sessions started, as the export filters sessions.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..models import Membership, Session, Study, session_zones


@dataclass(frozen=True)
class Observed:
    """One session of a pair: who observed (by pseudonymous code), where and when."""

    session_id: int
    fieldworker_id: int
    observer: str  # the observer's pseudonymous code in the study, never a name
    site_id: int
    started_at: datetime
    ended_at: datetime
    zones: frozenset[int]


@dataclass(frozen=True)
class SessionPair:
    """Two overlapping sessions of different observers; `first` has the lower observer code."""

    first: Observed
    second: Observed

    @property
    def start(self) -> datetime:
        """When both were observing: the later start."""
        return max(self.first.started_at, self.second.started_at)

    @property
    def end(self) -> datetime:
        """Until when both were observing: the earlier end."""
        return min(self.first.ended_at, self.second.ended_at)

    @property
    def zones(self) -> frozenset[int]:
        """The zones both were watching."""
        return self.first.zones & self.second.zones

    @property
    def observers(self) -> tuple[int, int]:
        """The two fieldworkers' user ids, first then second (groups pairs by observer pair)."""
        return (self.first.fieldworker_id, self.second.fieldworker_id)


def local_day_bounds(
    study: Study, date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """The first moment of `date_from` and the moment after `date_to`, in the study's zone."""
    zone = ZoneInfo(study.timezone)
    start = datetime.combine(date_from, time(), zone) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time(), zone) if date_to else None
    return start, end


def _sessions(
    study: Study, site_id: int | None, date_from: date | None, date_to: date | None
) -> list[Observed]:
    """The sessions that may pair, with their zones and observer codes, in time order."""
    codes = dict(
        db.session.execute(
            sa.select(Membership.user_id, Membership.observer_code).filter_by(study_id=study.id)
        ).all()
    )
    query = sa.select(
        Session.id, Session.fieldworker_id, Session.site_id, Session.started_at, Session.ended_at
    ).where(
        Session.study_id == study.id,
        Session.retracted.is_(False),
        Session.ended_at.is_not(None),
        Session.review_state != "rejected",
    )
    if site_id is not None:
        query = query.where(Session.site_id == site_id)
    start, end = local_day_bounds(study, date_from, date_to)
    if start is not None:
        query = query.where(Session.started_at >= start)
    if end is not None:
        query = query.where(Session.started_at < end)
    rows = db.session.execute(query.order_by(Session.started_at, Session.id)).all()
    zones: dict[int, set[int]] = {}
    ids = [row.id for row in rows]
    if ids:
        for session_id, zone_id in db.session.execute(
            sa.select(session_zones.c.session_id, session_zones.c.zone_id).where(
                session_zones.c.session_id.in_(ids)
            )
        ):
            zones.setdefault(session_id, set()).add(zone_id)
    return [
        Observed(
            session_id=row.id,
            fieldworker_id=row.fieldworker_id,
            observer=codes.get(row.fieldworker_id, "–"),
            site_id=row.site_id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            zones=frozenset(zones.get(row.id, ())),
        )
        for row in rows
    ]


def _ordered(a: Observed, b: Observed) -> SessionPair:
    """The pair with the lower observer code first (user id breaks a tie), so it is stable."""
    if (a.observer, a.fieldworker_id) <= (b.observer, b.fieldworker_id):
        return SessionPair(a, b)
    return SessionPair(b, a)


def session_pairs(
    study: Study,
    site_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[SessionPair]:
    """Every pair of the study's sessions that two observers held together, in time order."""
    sessions = _sessions(study, site_id, date_from, date_to)
    found = []
    for index, a in enumerate(sessions):
        # Sessions come by start: once one starts after `a` ends, none later overlaps it.
        for b in sessions[index + 1 :]:
            if b.started_at >= a.ended_at:
                break
            if (
                b.site_id == a.site_id
                and b.fieldworker_id != a.fieldworker_id
                and a.started_at < b.ended_at
                and a.zones & b.zones
            ):
                found.append(_ordered(a, b))
    return found
