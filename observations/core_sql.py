"""Core statements on the ORM session's own connection, for the hot paths (a phone's sync).

The ORM's `Session.execute` costs a few hundred microseconds per statement in Python; a
statement built once (`functools.cache`, with `bindparam`s) and executed on the session's
connection costs a fraction of that. The session's pending changes are flushed first, so the
statement sees them as an ORM query would (autoflush).
"""

from functools import cache

import sqlalchemy as sa
from sqlalchemy import orm

from .extensions import db


def connection(session: orm.Session | None = None):
    """The Connection of the session's transaction (db.session by default), flushed first."""
    session = session or db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


@cache
def insert(table: sa.Table) -> sa.Insert:
    """A plain INSERT into the table, built once.

    SQLAlchemy finds a statement's compiled form by a key it derives from the statement
    object, and remembers the key on the object: a statement built anew for every batch
    pays for the key again.
    """
    return sa.insert(table)
