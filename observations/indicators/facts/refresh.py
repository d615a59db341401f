"""Rewriting the facts of sessions: delete theirs, compute them again, insert."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import select

from ...extensions import db
from ...models import FACT_MODELS, Session, Study
from ..scope import COUNTED
from .compute import SessionFacts, clock_for

CHUNK = 500


def refresh(session_ids, connection=None) -> int:
    """Rewrite the facts of these sessions (any study); return the rows written.

    A session that no longer exists, has not ended or is withdrawn keeps no facts.
    `connection` (a Session or Connection; default db.session) is where to read and write.

    Most calls come from a phone's sync during an open session: such a session keeps no
    facts and, unless it was ended before (then reopened or withdrawn), has none. One query
    finds which of the others have facts; only those are deleted. An open session then costs
    two SELECTs instead of five DELETEs and the computation.
    """
    connection = connection or db.session
    ids = sorted({i for i in session_ids if i is not None})
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_zone = defaultdict(list)
        query = (
            select(Session.id, Study.timezone)
            .join(Study, Study.id == Session.study_id)
            .where(Session.id.in_(chunk), *COUNTED)
        )
        for session_id, timezone in connection.execute(query):
            by_zone[timezone].append(session_id)
        counted = [i for members in by_zone.values() for i in members]
        stale = _with_facts(sorted(set(chunk) - set(counted)), connection)
        if counted or stale:
            for model in FACT_MODELS:
                table = model.__table__
                connection.execute(sa.delete(table).where(table.c.session_id.in_(counted + stale)))
        for timezone, members in by_zone.items():
            clock = clock_for(timezone, members, connection)
            rows = SessionFacts(clock, members, connection).compute().rows()
            for model in FACT_MODELS:
                if rows[model.__tablename__]:
                    connection.execute(sa.insert(model.__table__), rows[model.__tablename__])
                    written += len(rows[model.__tablename__])
    return written


def _with_facts(session_ids: list[int], connection) -> list[int]:
    """Those of the sessions that have rows in any fact table (one query)."""
    if not session_ids:
        return []
    found = sa.union(
        *(
            select(model.__table__.c.session_id).where(
                model.__table__.c.session_id.in_(session_ids)
            )
            for model in FACT_MODELS
        )
    )
    return sorted(connection.execute(found).scalars())


def rebuild(study_id: int | None = None, connection=None) -> int:
    """Rewrite the facts of every session (of one study); return the rows written."""
    connection = connection or db.session
    query = select(Session.id)
    if study_id is not None:
        query = query.where(Session.study_id == study_id)
    return refresh(connection.execute(query).scalars().all(), connection)
