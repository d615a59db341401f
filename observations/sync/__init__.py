"""The sync service: records from phones stored exactly once, each with its own verdict.

`sync_records(owner, records)` takes the records of one fieldworker (the owner) in the order
the phone made them and returns one result per record, in the same order:
{"uuid", "status": created|updated|duplicate|conflict|invalid, "errors"?}.
One bad record never rejects the rest; a batch is one transaction, and if the database
refuses it, each record is stored in a transaction of its own.
"""

import logging
import time

from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db
from ..models import User
from .context import BatchContext
from .parse import KINDS, RecordInvalid, parse
from .store import store_record

__all__ = ["KINDS", "MAX_BATCH", "sync_in_transaction", "sync_records"]

MAX_BATCH = 500
RETRIES = 3
logger = logging.getLogger(__name__)


def _uuid_of(record) -> str | None:
    """The record's UUID as sent, for the result line; anything but a string is not echoed."""
    uuid = record.get("uuid") if isinstance(record, dict) else None
    return uuid if isinstance(uuid, str) else None


def _one(record, ctx: BatchContext, actor: User) -> tuple[dict, bool]:
    """Check and store one record; the flag says: retry once its session may be known."""
    try:
        parsed = parse(record, ctx)
    except RecordInvalid as error:
        result = {"uuid": _uuid_of(record), "status": "invalid", "errors": error.errors}
        return result, error.unknown_session
    status, errors = store_record(parsed, ctx, actor)
    result = {"uuid": parsed.uuid, "status": status}
    if errors:
        result["errors"] = errors
    if parsed.notice:
        result["notice"] = parsed.notice
    return result, False


def _batch(owner: User, records: list, actor: User, study: str | None) -> list[dict]:
    """Process a whole batch in order; records whose session came later get a second pass."""
    ctx = BatchContext(owner, study)
    results, waiting = [], []
    for index, record in enumerate(records):
        result, retry = _one(record, ctx, actor)
        results.append(result)
        if retry:
            waiting.append(index)
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
    owner: User, records: list, actor: User | None = None, study: str | None = None
) -> list[dict]:
    """Store a batch of records of `owner`; `actor` (default the owner) is audited.

    With `study`, only records of that study are accepted (a coordinator's upload).
    """
    actor = actor or owner
    for attempt in range(RETRIES):
        try:
            results = _batch(owner, records, actor, study)
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
