"""Rewriting the facts of sessions: delete theirs, compute them again, insert."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import select

from ...extensions import db
from ...models import FACT_MODELS, Session, Study
from .compute import SessionFacts, clock_for

CHUNK = 500


def refresh(session_ids, connection=None) -> int:
    """Rewrite the facts of these sessions (any study); return the rows written.

    A session that no longer exists, has not ended or is withdrawn keeps no facts.
    `connection` (a Session or Connection; default db.session) is where to read and write.
    """
    connection = connection or db.session
    ids = sorted({i for i in session_ids if i is not None})
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for model in FACT_MODELS:
            table = model.__table__
            connection.execute(sa.delete(table).where(table.c.session_id.in_(chunk)))
        by_zone = defaultdict(list)
        query = select(Session.id, Study.timezone).join(Study, Study.id == Session.study_id)
        for session_id, timezone in connection.execute(query.where(Session.id.in_(chunk))):
            by_zone[timezone].append(session_id)
        for timezone, members in by_zone.items():
            clock = clock_for(timezone, members, connection)
            rows = SessionFacts(clock, members, connection).compute().rows()
            for model in FACT_MODELS:
                if rows[model.__tablename__]:
                    connection.execute(sa.insert(model.__table__), rows[model.__tablename__])
                    written += len(rows[model.__tablename__])
    return written


def rebuild(study_id: int | None = None, connection=None) -> int:
    """Rewrite the facts of every session (of one study); return the rows written."""
    connection = connection or db.session
    query = select(Session.id)
    if study_id is not None:
        query = query.where(Session.study_id == study_id)
    return refresh(connection.execute(query).scalars().all(), connection)
