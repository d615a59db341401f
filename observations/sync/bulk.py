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

import sqlalchemy as sa

from .. import core_sql
from ..indicators import facts
from ..models import User
from . import store
from .context import BatchContext
from .parse import Parsed

KINDS = ("scan", "encounter", "note", "passers")


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
            created = self._insert(connection, kind, group, results)
            if kind in store.FACT_KINDS and created:
                marked.update(parsed.session.id for _index, parsed in group)
            known = [(i, p) for i, p in group if results[i] is None]
            if known:
                self._compare(kind, known, results)
        facts.mark(marked)

    def _insert(self, connection, kind: str, group: list, results: list) -> int:
        """INSERT the group's records and their child rows; mark the new ones created."""
        table = store.MODELS[kind].__table__
        statement = store.insert_statement(connection.dialect.name, table, "uuid")
        rows = [store.row_of(parsed, self.ctx.owner) for _index, parsed in group]
        new_ids = dict((uuid, i) for i, uuid in connection.execute(statement, rows))
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
        return len(new_ids)

    def _compare(self, kind: str, known: list, results: list) -> None:
        """The records already stored: read them at once, then judge each as store.py does."""
        study = known[0][1].study
        stored = store.load_many(kind, study, [parsed.uuid for _index, parsed in known])
        for index, parsed in known:
            status, errors = store.store_existing(
                parsed, self.ctx, self.actor, stored.get(parsed.uuid)
            )
            results[index] = store.result(parsed, status, errors)
