"""A late sync into a session the server closed automatically (review/forgotten.py).

While a session's end is the server's (`auto_closed_at` set), what its own phone sends is
stored, never lost, and answered with a notice in the user's language:
- a scan, encounter or note is stored even when its time lies after the server's end (not
  when it lies before the start); the end then moves to the latest such record's time, as
  the server closes "at the last record's time";
- the phone's resent session record (same revision, still without an end) is a duplicate:
  the server's end is not a version the phone made;
- the phone's own correction of the session (a higher revision) is applied; when it carries
  an end, that end is the session's real end and the session is an ordinary ended one from
  then on (`auto_closed_at` cleared, so this happens once; the audit trail keeps both).
  Without an end, the server's end stays and the phone's other changes are stored.
Sessions the server did not close keep the ordinary rules exactly (store.py).
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from ..models import Session
from .context import SessionInfo

SESSIONS = Session.__table__


def _when(moment: datetime) -> str:
    """A moment as the user reads it."""
    return format_datetime(moment, "short")


def phone_view(content: dict, auto_closed_at: datetime | None) -> dict:
    """A stored session as its phone knows it: without the end the server gave it."""
    if auto_closed_at is None:
        return content
    return {**content, "ended_at": None}


def applied_session(stored_content: dict, new_content: dict, auto_closed_at) -> dict:
    """What the phone's correction of a session leaves stored: its own end, or the server's."""
    if auto_closed_at is None or new_content["ended_at"] is not None:
        return new_content
    return {**new_content, "ended_at": stored_content["ended_at"]}


def session_columns(new_content: dict, stored_content: dict, auto_closed_at) -> dict:
    """Extra column values for the phone's correction of a session the server closed."""
    if auto_closed_at is None:
        return {}
    if new_content["ended_at"] is None:
        return {"ended_at": stored_content["ended_at"]}
    return {"auto_closed_at": None}


def same_end(stored_end: datetime | None):
    """The UPDATE's guard: nobody (the server's close, a late record) moved the end meanwhile."""
    if stored_end is None:
        return SESSIONS.c.ended_at.is_(None)
    return SESSIONS.c.ended_at == stored_end


def session_notice(auto_closed_at: datetime, ended_at: datetime, own_end: bool) -> str:
    """What the phone is told about its correction of a session the server closed."""
    if own_end:
        return _(
            "The server had closed this session automatically on %(closed)s because it "
            "was not ended; your end, %(end)s, is now its end.",
            closed=_when(auto_closed_at),
            end=_when(ended_at),
        )
    return _(
        "The server closed this session automatically on %(closed)s because it was not "
        "ended; it ends at %(end)s. Your changes are stored for review.",
        closed=_when(auto_closed_at),
        end=_when(ended_at),
    )


def after_record(db_session, session: SessionInfo, at: datetime, live: bool) -> str | None:
    """A record stored in a session the server closed: move the end, and say so."""
    if session.auto_closed_at is None:
        return None
    if live and at > session.ended_at:
        # Only ever later, and only while the end is still the server's: two late batches
        # at once leave the latest time.
        db_session.execute(
            sa.update(SESSIONS)
            .where(SESSIONS.c.id == session.id, SESSIONS.c.auto_closed_at.is_not(None))
            .where(SESSIONS.c.ended_at < at)
            .values(ended_at=at)
        )
        session.ended_at = at
    return _(
        "The server closed this session automatically on %(closed)s because it was not "
        "ended; this record is stored for review, and the session now ends at %(end)s.",
        closed=_when(session.auto_closed_at),
        end=_when(session.ended_at),
    )
