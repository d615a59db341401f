"""Forgotten sessions: the server ends a session its fieldworker forgot to end.

`close_forgotten(now)` looks at every study's open sessions (not ended, not withdrawn). A
planned one still open `close_after_planned_end_hours` after its slot's end, or an unplanned
one `max_unplanned_hours` after its start, is ended at its last live record's time (its start
when it has none); `auto_closed_at` says when the server did so, and an audit event
"auto_close" (no actor) keeps it. The UPDATE only touches a session that is still open, so two
processes running this at once close each session once. The caller commits.

The server's close does not bump the record's `revision`: revisions count the phone's
versions. The phone's own next version (its correction, e.g. the end tapped offline) is then
still newer than the stored one and gets a clear answer from the sync (sync/late.py) instead
of colliding as a "conflict" with a version the phone never made.

`recently_closed(user_id, now)` lists a fieldworker's sessions whose end is still the server's
(auto_closed_at set), for the sync reply and the home page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import audit, core_sql
from ..extensions import db
from ..indicators import facts
from ..models import Encounter, FieldNote, PasserCount, Scan, Session, Study, utcnow
from ..sync.fields import iso
from .thresholds import thresholds

TIME_COLUMNS = ((Scan, Scan.observed_at), (Encounter, Encounter.occurred_at),
                (FieldNote, FieldNote.written_at),
                (PasserCount, PasserCount.started_at))  # fmt: skip


@dataclass(frozen=True)
class Forgotten:
    """An open session due to be closed: when it became forgotten and the end it gets."""

    session: Session
    deadline: datetime
    end: datetime


def forgotten_sessions(now: datetime | None = None) -> list[Forgotten]:
    """Open sessions past their deadline (the slot's end plus grace, or the longest
    unplanned length), with the end each would get; nothing changes."""
    now = now or utcnow()
    limits = thresholds()
    grace = timedelta(hours=limits.close_after_planned_end_hours)
    longest = timedelta(hours=limits.max_unplanned_hours)
    open_sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.ended_at.is_(None), Session.retracted.is_(False))
        .options(joinedload(Session.slot), joinedload(Session.site))
        .order_by(Session.started_at, Session.id)
    ).all()
    found = []
    for session in open_sessions:
        if session.slot is not None:
            deadline = session.slot.ends_at + grace
        else:
            deadline = session.started_at + longest
        if now > deadline:
            last = db.session.scalar(sa.select(last_record_time(session.id)))
            end = max(last, session.started_at) if last is not None else session.started_at
            found.append(Forgotten(session, deadline, end))
    return found


def last_record_time(session_id: int) -> sa.ScalarSelect:
    """The time of the session's latest live (not withdrawn) scan, encounter or note."""
    times = sa.union_all(
        *(
            sa.select(column.label("at")).where(
                model.session_id == session_id, model.retracted.is_(False)
            )
            for model, column in TIME_COLUMNS
        )
    ).subquery()
    return sa.select(sa.func.max(times.c.at)).scalar_subquery()


def close_forgotten(now: datetime | None = None) -> list[Session]:
    """Close every forgotten session of every study; return those this call closed."""
    now = now or utcnow()
    table = Session.__table__
    closed = []
    for item in forgotten_sessions(now):
        session = item.session
        # The end is found again inside the UPDATE, so a record stored meanwhile still counts.
        last = sa.func.coalesce(last_record_time(session.id), table.c.started_at)
        updated = db.session.execute(
            sa.update(table)
            .where(table.c.id == session.id, table.c.ended_at.is_(None))
            .where(table.c.retracted.is_(False))
            .values(
                ended_at=sa.case((last > table.c.started_at, last), else_=table.c.started_at),
                auto_closed_at=now,
            )
        ).rowcount
        if not updated:
            continue  # ended meanwhile, by its phone or by another process
        facts.mark([session.id])
        db.session.refresh(session, ["ended_at", "auto_closed_at"])
        audit.record(
            "auto_close",
            "session",
            session.uuid,
            {
                "ended_at": [None, iso(session.ended_at)],
                "auto_closed_at": [None, iso(now)],
                "deadline": iso(item.deadline),
                "planned": session.slot_id is not None,
            },
            actor=None,
            study_id=session.study_id,
        )
        closed.append(session)
    return closed


def _closed_params(user_id: int, now: datetime | None) -> dict:
    return {"user_id": user_id, "since": closed_since(now)}


def closed_since(now: datetime | None = None) -> datetime:
    """The earliest server end a fieldworker is still told of: `closed_notice_days` ago."""
    return (now or utcnow()) - timedelta(days=thresholds().closed_notice_days)


def closed_lately(user_id: sa.ColumnElement) -> sa.Exists:
    """SQL: whether the server ended a live session of the user `user_id` (a column) since
    :closed_since, for a query that reads the user anyway (the API's look-up of its caller,
    logins.py and tokens.py): a phone's sync then asks no query of its own to learn that,
    almost always, there is nothing to tell (api/routes.py)."""
    return sa.exists().where(
        Session.fieldworker_id == user_id,
        Session.auto_closed_at.is_not(None),
        Session.auto_closed_at >= sa.bindparam("closed_since"),
        Session.retracted.is_(False),
    )


def any_recently_closed(user_id: int, now: datetime | None = None) -> bool:
    """Whether the server ended a session of user `user_id` within `closed_notice_days`."""
    return _any_closed(_closed_params(user_id, now))


def _any_closed(params: dict) -> bool:
    # Almost always there is none: a Core query built once says so, without the ORM, by the
    # index on (fieldworker_id, auto_closed_at).
    return core_sql.connection().execute(_any_closed_since(), params).first() is not None


def recently_closed(user_id: int, now: datetime | None = None, study: Study | None = None):
    """The sessions of user `user_id` that the server ended within `closed_notice_days`,
    newest first."""
    params = _closed_params(user_id, now)
    if not _any_closed(params):
        return []
    query = (
        sa.select(Session)
        .where(*_closed_since())
        .options(joinedload(Session.study), joinedload(Session.site))
        .order_by(Session.auto_closed_at.desc(), Session.id)
    )
    if study is not None:
        query = query.where(Session.study_id == study.id)
    return list(db.session.scalars(query, params))


def _closed_since() -> tuple:
    """SQL conditions: a live session of :user_id's that the server ended since :since."""
    return (
        Session.fieldworker_id == sa.bindparam("user_id"),
        Session.auto_closed_at.is_not(None),
        Session.auto_closed_at >= sa.bindparam("since"),
        Session.retracted.is_(False),
    )


@cache
def _any_closed_since():
    """SQL: one such session (_closed_since), if there is any."""
    return sa.select(Session.id).where(*_closed_since()).limit(1)


def closed_entry(session: Session) -> dict:
    """A session the server ended, as the sync reply and the home page's data carry it."""
    return {
        "uuid": session.uuid,
        "study": session.study.slug,
        "site": session.site_id,
        "site_name": session.site.name,
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
        "closed_automatically": True,
        "auto_closed_at": iso(session.auto_closed_at),
    }
