"""The sync's per-batch look-ups find their rows by index: none reads a whole table of
records, which would cost a batch milliseconds in a database with years of fieldwork."""

import re

import pytest

from observations.extensions import db
from observations.indicators.facts.refresh import _state_query
from observations.logins import _login_row
from observations.review.forgotten import _any_closed_since
from observations.sync.context import _MEMBERSHIP, _SESSION_BY_UUID, _ZONES
from observations.tokens import _lookup

RECORD_TABLES = ("sessions", "scans", "encounters", "field_notes", "passer_counts", "api_tokens")
LOOKUPS = {
    "session of a record": (_SESSION_BY_UUID(False), {"uuid": "u", "owner": 1}),
    "session in a named study": (_SESSION_BY_UUID(True), {"uuid": "u", "owner": 1, "slug": "s"}),
    "zones": (_ZONES(), {"study_id": 1}),
    "membership": (_MEMBERSHIP(), {"study_id": 1, "user_id": 1}),
    "recently closed": (_any_closed_since(), {"user_id": 1, "since": "2026-01-01"}),
    "facts state": (_state_query(), {"ids": [1, 2]}),
    "facts state of one session": (_state_query(True), {"id": 1}),
    "token": (_lookup(), {"digest": "d", "closed_since": "2026-01-01"}),
    "login": (_login_row(), {"digest": "d", "closed_since": "2026-01-01"}),
}


def full_scans(statement, params) -> list[str]:
    """The record tables the database would read whole to answer the statement."""
    connection = db.session.connection()
    state = statement.compile(dialect=connection.dialect).construct_expanded_state(params)
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + state.statement, tuple(state.positional_parameters)
        )
        steps = [row[3] for row in plan]
        return [t for t in RECORD_TABLES for s in steps if re.match(rf"SCAN {t}\b", s)]
    # PostgreSQL reads tiny tables whole by choice; forbidding that shows whether it could
    # do otherwise. A scan of an index without a condition on it reads it whole too.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + state.statement, state.parameters)
    return sorted(_whole(plan.scalar()[0]["Plan"], connection))


LEADING_COLUMN = """
    SELECT a.attname FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE c.relname = %(name)s
"""


def _whole(node: dict, connection) -> set[str]:
    """The record tables a PostgreSQL plan node (and those below it) reads whole: by a
    sequential scan, or through an index without a condition on its leading column (which
    walks the whole index)."""
    found = set()
    table = node.get("Relation Name")
    if table in RECORD_TABLES:
        if node["Node Type"] == "Seq Scan":
            found.add(table)
        elif "Index Name" in node:
            leading = connection.exec_driver_sql(LEADING_COLUMN, {"name": node["Index Name"]})
            condition = node.get("Index Cond", "")
            if not re.search(rf"\b{leading.scalar()}\b", condition):
                found.add(table)
    for child in node.get("Plans", []):
        found |= _whole(child, connection)
    return found


@pytest.mark.parametrize("name", LOOKUPS)
def test_the_lookup_reads_by_index(app, name):
    statement, params = LOOKUPS[name]
    with app.app_context():
        assert full_scans(statement, params) == []
        db.session.rollback()


@pytest.mark.parametrize("name", ["recently closed", "login", "token"])
def test_the_closed_sessions_check_seeks_only_the_sessions_the_server_ended(app, name):
    """Not every session of the fieldworker, which grow with every day of fieldwork: only
    those ended by the server since the notice period began (migration 0015); also where
    the API's look-up of its caller asks it. SQLite's plan follows the indexes;
    PostgreSQL's follows its statistics of the rows (an empty test table says nothing), so
    the plan is asked of SQLite."""
    statement, params = LOOKUPS[name]
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL picks among the indexes by the rows' statistics")
        state = statement.compile(dialect=connection.dialect).construct_expanded_state(params)
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + state.statement, tuple(state.positional_parameters)
        )
        steps = [row[3] for row in plan]
        assert any("fieldworker_id=? AND auto_closed_at>?" in step for step in steps), steps
