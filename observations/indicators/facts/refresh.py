"""Rewriting the facts of sessions: delete theirs, compute them again, insert."""

from collections import defaultdict
from functools import cache

import sqlalchemy as sa
from sqlalchemy import orm, select

from ... import core_sql
from ...extensions import db
from ...models import FACT_MODELS, Session, Study
from ..scope import COUNTED
from .compute import SessionFacts, clock_over

CHUNK = 500


def refresh(session_ids, connection=None) -> int:
    """Rewrite the facts of these sessions (any study); return the rows written.

    A session that no longer exists, has not ended or is withdrawn keeps no facts.
    `connection` (a Session or Connection; default db.session) is where to read and write.

    One query, built once, says of each session whether it is counted and whether it has
    facts; only those that have are deleted (a session that just ended has none), and only
    the counted ones computed again. An open session keeps no facts, and costs that one
    SELECT (a phone's sync does not even ask it for one: sync/bulk.py).
    """
    connection = _core(connection or db.session)
    ids = sorted({i for i in session_ids if i is not None})
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_zone = defaultdict(list)
        years = defaultdict(set)  # by time zone: the years the counted sessions span
        kept, found = [], set()  # the sessions that have facts now, to be deleted
        one = len(chunk) == 1
        params = {"id": chunk[0]} if one else {"ids": chunk}
        for session_id, timezone, counted, has_facts, started, ended in connection.execute(
            _state_query(one), params
        ):
            found.add(session_id)
            if counted:
                by_zone[timezone].append(session_id)
                years[timezone].update(moment.year for moment in (started, ended))
            if has_facts:
                kept.append(session_id)
        # A session deleted meanwhile may have left facts behind (rare: a second query).
        kept += _with_facts(sorted(set(chunk) - found), connection)
        # A session that just ended has none yet: its facts are only inserted.
        if kept:
            for delete in _deletes():
                connection.execute(delete, {"ids": kept})
        for timezone, members in by_zone.items():
            clock = clock_over(timezone, years[timezone])
            rows = SessionFacts(clock, members, connection).compute().rows()
            for model in FACT_MODELS:
                if rows[model.__tablename__]:
                    connection.execute(core_sql.insert(model.__table__), rows[model.__tablename__])
                    written += len(rows[model.__tablename__])
    return written


def _core(connection):
    """A Core connection for an ORM session (or Flask-SQLAlchemy's scoped one): its
    statements skip the ORM."""
    if isinstance(connection, orm.scoped_session):
        connection = connection()
    if isinstance(connection, orm.Session):
        return core_sql.connection(connection)
    return connection


@cache
def _deletes() -> list:
    """SQL: delete the facts of the sessions :ids, one DELETE per fact table."""
    ids = sa.bindparam("ids", expanding=True)
    return [sa.delete(m.__table__).where(m.__table__.c.session_id.in_(ids)) for m in FACT_MODELS]


@cache
def _state_query(one: bool = False):
    """SQL: of each session in :ids (`one`: of the session :id), its study's time zone,
    whether the indicators count it, whether it has rows in any fact table, its start and
    its end (the years the local clock must cover).

    A phone's sync asks of one session: without an IN list, which SQLAlchemy expands anew at
    every execution."""
    has_facts = sa.or_(
        *(sa.exists().where(model.__table__.c.session_id == Session.id) for model in FACT_MODELS)
    )
    return (
        select(
            Session.id,
            Study.timezone,
            sa.and_(*COUNTED),
            has_facts,
            Session.started_at,
            Session.ended_at,
        )
        .join(Study, Study.id == Session.study_id)
        .where(
            Session.id == sa.bindparam("id")
            if one
            else Session.id.in_(sa.bindparam("ids", expanding=True))
        )
    )


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
