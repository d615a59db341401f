"""New records of a batch stored together: one INSERT per kind and one per child table.

A phone's batch is mostly new scans, encounters and notes of a session it started earlier.
`Pending` collects such records as they are checked and stores them with one statement per
table (INSERT … ON CONFLICT (study_id, uuid) DO NOTHING RETURNING), instead of a round trip
or three per record; on SQLite that also holds the single write lock for a moment instead of
for the whole batch. The unique constraint still decides, so two requests racing with the
same UUID store it once. A record the INSERT did not take was stored already: such records
are read together and get their verdict from store.py as before (duplicate, update,
conflict, invalid).

Everything else (sessions, records of a session the server closed, records refused by their
study) is stored by store.py one at a time, after what is pending: the batch ends as if its
records had been stored one by one, in order.
"""

from collections import defaultdict
from functools import cache

import sqlalchemy as sa

from .. import core_sql
from ..indicators import facts
from ..models import User
from . import store
from .context import BatchContext
from .parse import Parsed

KINDS = ("scan", "encounter", "note", "passers")


@cache
def _insert_noting_end(dialect: str, table: sa.Table):
    """store.insert_statement, whose RETURNING also says of each new row its session and
    whether that session has ended, as the database holds it when the row goes in.

    Only an ended session keeps indicator facts (an open one has none: every commit rewrites
    those of a session whose end changed), so only a record of an ended session has its
    session's facts rewritten. Nine syncs in ten store records of an open session and skip
    the facts' look-up. The end is read by the INSERT itself, inside the write transaction,
    not from the session looked up before it: on SQLite, where writers take turns, a session
    another request ends meanwhile is seen ended, and its facts include the new record.
    """
    # Written out: SQLAlchemy does not correlate a subquery of RETURNING with the table the
    # INSERT writes (it would join that table again).
    ended = sa.literal_column(
        f"(SELECT sessions.ended_at IS NOT NULL FROM sessions"
        f" WHERE sessions.id = {table.name}.session_id)",
        sa.Boolean,
    )
    return store.insert_statement(dialect, table, "uuid").returning(table.c.session_id, ended)


class Pending:
    """Checked new-looking records of one batch, waiting to be stored together."""

    def __init__(self, ctx: BatchContext, actor: User):
        self.ctx = ctx
        self.actor = actor
        self.items: list[tuple[int, Parsed]] = []
        self.keys: set[tuple[int, str]] = set()
        self.uuids: set[str] = set()

    def holds(self, uuid) -> bool:
        """Whether a record with this UUID (as sent) waits here."""
        return isinstance(uuid, str) and uuid.lower() in self.uuids

    def takes(self, parsed: Parsed) -> bool:
        """Whether the record can wait here: a plain record of an open or ended session."""
        return (
            parsed.kind in KINDS
            and parsed.refusal is None
            and parsed.session.auto_closed_at is None
            and (parsed.study.id, parsed.uuid) not in self.keys
        )

    def add(self, index: int, parsed: Parsed) -> None:
        """Keep the record (the batch's `index`-th) for the next flush."""
        self.items.append((index, parsed))
        self.keys.add((parsed.study.id, parsed.uuid))
        self.uuids.add(parsed.uuid)

    def flush(self, results: list) -> None:
        """Store what waits, and put each record's result at its index in `results`."""
        if not self.items:
            return
        items, self.items, self.keys, self.uuids = self.items, [], set(), set()
        groups: dict[tuple[str, int], list[tuple[int, Parsed]]] = defaultdict(list)
        for index, parsed in items:
            groups[parsed.kind, parsed.study.id].append((index, parsed))
        connection = core_sql.connection()
        marked: set[int] = set()
        for (kind, _study), group in groups.items():
            marked |= self._insert(connection, kind, group, results)
            known = [(i, p) for i, p in group if results[i] is None]
            if known:
                self._compare(kind, known, results)
        facts.mark(marked)

    def _insert(self, connection, kind: str, group: list, results: list) -> set[int]:
        """INSERT the group's records and their child rows; mark the new ones created.

        Returns the sessions whose facts the new records change: those that have ended.
        """
        table = store.MODELS[kind].__table__
        statement = _insert_noting_end(connection.dialect.name, table)
        rows = [store.row_of(parsed, self.ctx.owner) for _index, parsed in group]
        new_ids, ended = {}, set()
        for new_id, uuid, session_id, session_ended in connection.execute(statement, rows):
            new_ids[uuid] = new_id
            if session_ended:
                ended.add(session_id)
        children: dict[sa.Table, list[dict]] = defaultdict(list)
        for index, parsed in group:
            new_id = new_ids.get(parsed.uuid)
            if new_id is None:
                continue
            for child, _column, child_rows in store.child_rows(kind, new_id, parsed.content):
                children[child] += child_rows
            results[index] = {"uuid": parsed.uuid, "status": "created"}
        for child, child_rows in children.items():
            if child_rows:
                connection.execute(core_sql.insert(child), child_rows)
        return ended if kind in store.FACT_KINDS else set()

    def _compare(self, kind: str, known: list, results: list) -> None:
        """The records already stored: read them at once, then judge each as store.py does."""
        study = known[0][1].study
        stored = store.load_many(kind, study, [parsed.uuid for _index, parsed in known])
        for index, parsed in known:
            status, errors = store.store_existing(
                parsed, self.ctx, self.actor, stored.get(parsed.uuid)
            )
            results[index] = store.result(parsed, status, errors)
