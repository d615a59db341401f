"""Codebook rules kept between sync requests, so that a phone's batch of one tap does not
load the whole codebook again.

A codebook changes only by a new version (codebook_editor.py, codebook_xlsx.py): rules are
kept under the study's newest Codebook row (its id and creation time), which every process
reads once per batch, so a change made by another process or instance is seen at the next
batch. A change of categories or codes flushed in this process (a new study, the PLDP
import, an edit) empties the cache as well.
"""

import threading
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import orm

LIMIT = 256
_rules: dict[tuple, object] = {}
_lock = threading.Lock()


def kept(key: tuple, make: Callable[[], object]):
    """The rules under `key`, made by `make()` the first time."""
    found = _rules.get(key)
    if found is None:
        found = make()
        with _lock:
            if len(_rules) >= LIMIT:
                _rules.clear()
            _rules[key] = found
    return found


def clear() -> None:
    """Forget every kept rule."""
    with _lock:
        _rules.clear()


def _changed(session: orm.Session, _context) -> None:
    """after_flush: categories or codes written in this process make every rule stale."""
    from ..models import Category, Code, Codebook

    watched = (Category, Code, Codebook)
    if any(isinstance(o, watched) for o in (*session.new, *session.dirty, *session.deleted)):
        clear()


def install() -> None:
    """Listen on every ORM session (once)."""
    if not sa.event.contains(orm.Session, "after_flush", _changed):
        sa.event.listen(orm.Session, "after_flush", _changed)
