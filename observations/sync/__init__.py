"""The sync service: records from phones stored exactly once, each with its own verdict.

`sync_records(owner, records)` takes the records of one fieldworker (the owner) in the order
the phone made them and returns one result per record, in the same order:
{"uuid", "status": created|updated|duplicate|conflict|invalid, "errors"?}.
One bad record never rejects the rest; a batch is one transaction, and if the database
refuses it, each record is stored in a transaction of its own.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db
from ..models import User
from . import bulk, store
from .context import BatchContext
from .parse import KINDS, Parsed, RecordInvalid, parse

__all__ = ["KINDS", "MAX_BATCH", "Owner", "sync_in_transaction", "sync_records"]

MAX_BATCH = 500
RETRIES = 3
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owner:
    """A user by id, which is all the sync reads of its owner and actor: a phone's sync
    passes this instead of loading the User (api/auth.py, tokens.py)."""

    id: int


def _uuid_of(record) -> str | None:
    """The record's UUID as sent, for the result line; anything but a string is not echoed."""
    uuid = record.get("uuid") if isinstance(record, dict) else None
    return uuid if isinstance(uuid, str) else None


def _checked(record, ctx: BatchContext) -> tuple[Parsed | None, dict | None, bool]:
    """(the record checked, None, False), or (None, its result, whether to retry it once its
    session may be known) when it is invalid."""
    try:
        return parse(record, ctx), None, False
    except RecordInvalid as error:
        result = {"uuid": _uuid_of(record), "status": "invalid", "errors": error.errors}
        return None, result, error.unknown_session


def _one(record, ctx: BatchContext, actor: User) -> tuple[dict, bool]:
    """Check and store one record; the flag says: retry once its session may be known."""
    parsed, result, retry = _checked(record, ctx)
    if parsed is None:
        return result, retry
    return store.result(parsed, *store.store_record(parsed, ctx, actor)), False


def _batch(owner: User, records: list, actor: User, study: str | None) -> list[dict]:
    """Process a whole batch in order; records whose session came later get a second pass.

    New scans, encounters, notes and counts wait in `pending` and are stored together
    (bulk.py) before anything that reads or writes what they might touch: a session record,
    a record with a UUID already waiting, the second pass, the end of the batch.
    """
    ctx = BatchContext(owner, study)
    pending = bulk.Pending(ctx, actor)
    results: list = [None] * len(records)
    waiting = []
    for index, record in enumerate(records):
        if isinstance(record, dict) and pending.holds(record.get("uuid")):
            pending.flush(results)
        parsed, result, retry = _checked(record, ctx)
        if parsed is None:
            results[index] = result
            if retry:
                waiting.append(index)
        elif pending.takes(parsed):
            pending.add(index, parsed)
        else:
            pending.flush(results)
            results[index] = store.result(parsed, *store.store_record(parsed, ctx, actor))
    pending.flush(results)
    for index in waiting:
        results[index], _retry = _one(records[index], ctx, actor)
    return results


def _record_by_record(owner: User, records: list, actor: User, study: str | None) -> list[dict]:
    """Store each record in its own transaction, so one the database refuses stays alone."""
    results = []
    for record in records:
        try:
            result, _retry = _one(record, BatchContext(owner, study), actor)
            db.session.commit()
        except DBAPIError:
            db.session.rollback()
            logger.exception("sync: the database refused a record")
            result = {
                "uuid": _uuid_of(record),
                "status": "invalid",
                "errors": {"record": [_("The server could not store this record.")]},
            }
        results.append(result)
    return results


def sync_in_transaction(
    owner: User, records: list, actor: User | None = None, study: str | None = None
) -> list[dict]:
    """Store a batch like `sync_records`, inside the caller's transaction: no commit, no
    retry. An import that is all or nothing commits (or rolls back) once, at its end; a
    database error rolls the whole of it back."""
    return _batch(owner, records, actor or owner, study)


def sync_records(
    owner: User | Owner,
    records: list,
    actor: User | Owner | None = None,
    study: str | None = None,
    before_commit: Callable[[], None] | None = None,
) -> list[dict]:
    """Store a batch of records of `owner`; `actor` (default the owner) is audited.

    With `study`, only records of that study are accepted (a coordinator's upload).
    `before_commit` runs inside the batch's transaction just before it commits (again if
    the batch is retried): what the answer needs besides is read without a second
    transaction.
    """
    actor = actor or owner
    for attempt in range(RETRIES):
        try:
            results = _batch(owner, records, actor, study)
            if before_commit is not None:
                before_commit()
            db.session.commit()
            return results
        except OperationalError:
            # A lock wait or deadlock: the batch is idempotent, so run it again.
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
        except DBAPIError:
            db.session.rollback()
            logger.exception("sync: batch refused; storing record by record")
            return _record_by_record(owner, records, actor, study)
    raise AssertionError("unreachable")
