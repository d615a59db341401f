"""The review queue: a study's ended sessions by review state, filtered, counted and paged.

Order is stable: newest start first, then highest id, so a page never repeats or skips a
session. Filters by site, observer, period (local days of the study) and data-quality flag;
counts per state follow the same filters. Running sessions are listed apart: they cannot be
reviewed yet. The neighbours of a session (previous / next in the queue) let a lead work
through a week one session after another.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import REVIEW_STATES, Encounter, FieldNote, Membership, Scan, Session, Study
from .quality import Flag, session_flags, sessions_with_flag

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    """What the queue is narrowed to; empty values narrow nothing."""

    state: str = "pending"
    site: int | None = None
    observer: int | None = None  # the observer's user id
    date_from: date | None = None
    date_to: date | None = None
    flag: str = ""

    def query(self, with_state: bool = True) -> dict:
        """The filters as URL query values (for tabs, paging, and the session page's links)."""
        values = {
            "state": self.state if with_state else "",
            "site": self.site or "",
            "observer": self.observer or "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "flag": self.flag,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class Card:
    """One session in the queue, with its record counts and flags."""

    session: Session
    scans: int = 0
    encounters: int = 0
    notes: int = 0
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Queue:
    """One page of the queue, the counts per state and the running sessions."""

    cards: list[Card]
    counts: dict[str, int]
    number: int
    has_newer: bool
    has_older: bool
    running: list[Card]


def _narrowed(statement, study: Study, filters: Filters):
    """Narrow a select of sessions to the study and the filters other than state and flag."""
    statement = statement.where(Session.study_id == study.id, Session.retracted.is_(False))
    if filters.site:
        statement = statement.where(Session.site_id == filters.site)
    if filters.observer:
        statement = statement.where(Session.fieldworker_id == filters.observer)
    zone = ZoneInfo(study.timezone)
    if filters.date_from:
        statement = statement.where(
            Session.started_at >= datetime.combine(filters.date_from, time(), zone)
        )
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        statement = statement.where(Session.started_at < end)
    return statement


NEWEST_FIRST = (Session.started_at.desc(), Session.id.desc())


def _ended(study: Study, filters: Filters) -> list[tuple[int, str, datetime]]:
    """(id, review state, start) of the ended sessions matching the filters, newest first."""
    statement = _narrowed(
        sa.select(Session.id, Session.review_state, Session.started_at), study, filters
    ).where(Session.ended_at.is_not(None))
    rows = db.session.execute(statement.order_by(*NEWEST_FIRST)).all()
    if not filters.flag:
        return [tuple(r) for r in rows]
    flagged = sessions_with_flag(study, filters.flag, [r[0] for r in rows])
    return [tuple(r) for r in rows if r[0] in flagged]


def _cards(study: Study, sessions: list[Session], flags: dict | None = None) -> list[Card]:
    """The sessions as cards: record counts per kind and flags, in a few grouped queries."""
    ids = [s.id for s in sessions]
    counts: dict[tuple[str, int], int] = {}
    for kind, model in (("scans", Scan), ("encounters", Encounter), ("notes", FieldNote)):
        if not ids:
            break
        for session_id, n in db.session.execute(
            sa.select(model.session_id, sa.func.count())
            .where(model.session_id.in_(ids), model.retracted.is_(False))
            .group_by(model.session_id)
        ):
            counts[(kind, session_id)] = n
    if flags is None:
        flags = session_flags(study, ids)
    return [
        Card(
            s,
            scans=counts.get(("scans", s.id), 0),
            encounters=counts.get(("encounters", s.id), 0),
            notes=counts.get(("notes", s.id), 0),
            flags=flags.get(s.id, []),
        )
        for s in sessions
    ]


def _load(ids: list[int]) -> list[Session]:
    """Sessions by id, in the order given, with what a card shows."""
    if not ids:
        return []
    found = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Session)
            .where(Session.id.in_(ids))
            .options(selectinload(Session.site), selectinload(Session.fieldworker))
        )
    }
    return [found[i] for i in ids if i in found]


def running(study: Study, filters: Filters = Filters()) -> list[Card]:
    """Sessions still running (not ended), newest first: listed apart, not reviewable yet."""
    statement = _narrowed(sa.select(Session.id), study, filters).where(Session.ended_at.is_(None))
    ids = list(db.session.scalars(statement.order_by(*NEWEST_FIRST)))
    return _cards(study, _load(ids))


def counts(study: Study, filters: Filters = Filters()) -> dict[str, int]:
    """Ended sessions per review state under the filters (state itself aside)."""
    found = Counter(state for _id, state, _start in _ended(study, filters))
    return {state: found.get(state, 0) for state in REVIEW_STATES}


def page(study: Study, filters: Filters, number: int = 1) -> Queue:
    """Page `number` (1: the newest) of the queue of one state, with counts and running ones."""
    number = max(1, number)
    rows = _ended(study, filters)
    found = Counter(state for _id, state, _start in rows)
    ids = [i for i, state, _start in rows if state == filters.state]
    shown = ids[(number - 1) * PER_PAGE : number * PER_PAGE]
    return Queue(
        cards=_cards(study, _load(shown)),
        counts={state: found.get(state, 0) for state in REVIEW_STATES},
        number=number,
        has_newer=number > 1,
        has_older=len(ids) > number * PER_PAGE,
        running=running(study, filters),
    )


def neighbours(study: Study, filters: Filters, session: Session) -> tuple[int | None, int | None]:
    """(previous, next) session ids around `session` in the queue of the filters' state.

    The session itself need not be in that queue (it may just have been decided): its
    place in the order is found by its start and id.
    """
    key = (session.started_at, session.id)
    rows = [(i, start) for i, state, start in _ended(study, filters) if state == filters.state]
    newer = [i for i, start in rows if (start, i) > key]
    older = [i for i, start in rows if (start, i) < key]
    return (newer[-1] if newer else None, older[0] if older else None)


def first(study: Study, filters: Filters) -> int | None:
    """The newest session in the queue of the filters' state, if any."""
    rows = [i for i, state, _start in _ended(study, filters) if state == filters.state]
    return rows[0] if rows else None


def flagged_ids(study: Study, session_ids) -> list[int]:
    """Those of the given sessions of the study that carry at least one flag."""
    ids = list(session_ids)
    flags = session_flags(study, ids)
    return [i for i in ids if flags.get(i)]


def observer_codes(study: Study) -> dict[int, str]:
    """{user id: observer code} of the study's members (cards show codes, not names)."""
    return dict(
        db.session.execute(
            sa.select(Membership.user_id, Membership.observer_code).filter_by(study_id=study.id)
        ).all()
    )
