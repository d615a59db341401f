"""Keyset pages of a sheet, for the read API: rows after a key, in the order of their keys.

A sheet read with a `Keyset` lists its rows in the order of a key that never changes and
grows as records are added (sessions, encounters, notes: their id; scans: scan id,
category, code), starting after `after`, at most `limit` of them. Rows added while a client
walks the pages get larger keys, so no row is lost or repeated. The sheet records the key of
each row it yields in `last`, so the caller can say where the next page starts.

Text keys compare byte by byte ("C" collation), the order Python's own comparison gives.

One limit: ids come from a counter when a row is inserted, and on PostgreSQL two syncs running
at once may commit out of that order. A row whose sync was still committing while a page
ending past its id was read is not on that walk's later pages (a new walk has it). SQLite
writes one transaction at a time, so there it cannot happen.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db


@dataclass
class Keyset:
    """Which part of a sheet to read: after a key, how many rows; and the last key read."""

    after: tuple | None = None
    limit: int | None = None
    last: tuple | None = None


def bytewise(column):
    """A text column compared and sorted byte by byte, on PostgreSQL as on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column  # SQLite's default collation, BINARY, is bytewise


def after(key: list, values: tuple):
    """SQL for: the key (columns, or constants) comes after `values` in the sort order.

    (a, b, c) > (x, y, z) spelled out as a >= x AND (a > x OR a = x AND (b > y OR …)), so
    that an index on the leading column bounds the search. A constant in the key (a
    category every row of a query shares) is compared here rather than in SQL.
    """
    (first, *rest), (value, *others) = key, values
    if not rest:
        return _bool(first > value)
    later = _bool(first > value)
    return sa.and_(
        _bool(first >= value), sa.or_(later, sa.and_(_bool(first == value), after(rest, others)))
    )


def _bool(condition):
    """A comparison as SQL, also when both sides were constants (a Python bool)."""
    if isinstance(condition, bool):
        return sa.true() if condition else sa.false()
    return condition
