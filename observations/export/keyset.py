"""Keyset pages of a sheet, for the read API: rows after a key, in the order of their keys.

A sheet read with a `Keyset` lists its rows in the order of a key that never changes and
grows as records are added (sessions, encounters, notes: their id; scans: scan id,
category, code), starting after `after`, at most `limit` of them. Rows added while a client
walks the pages get larger keys, so no row is lost or repeated. The sheet records the key of
each row it yields in `last`, so the caller can say where the next page starts.

Text keys compare byte by byte ("C" collation), the order Python's own comparison gives.

Rows still settling: ids come from a counter when a row is inserted, and on PostgreSQL two
syncs running at once may commit out of that order. Had a page ending past a row's id been
read while its sync was still committing, the row would come on none of that walk's later
pages. So a page stops short of the records that may still be settling: it holds only ids
below the `horizon`, the smallest id of a record received within a margin of now (either
way, for clocks a little apart). A record is received (`received_at`) just before it is
inserted, and a sync commits well within the margin (a batch of 500 records takes about 0.3
s on PostgreSQL, bench/sync_bench.py; the default margin is 5 s). A row on the page was
received more than a margin ago; a record with a smaller id was inserted before it, so
received before it too, and its sync has ended: it is committed (and on the page) or gone. A
row committed late is thus never behind a cursor: it waits above the horizon until it has
settled. Recent rows come on a page a margin later (TERLOOPS_API_SETTLE_SECONDS, the read
API's setting). What is still assumed: that no sync takes longer than the margin from
receiving a record to committing it.

Why the horizon rather than "only rows received more than a margin ago": two syncs can take
their `received_at` and their ids in opposite orders, and a page cut by time alone could then
hold the later id and leave out the earlier one. Below the horizon, a row left out would
have to have waited longer than the margin to commit. (SQLite writes one transaction at a
time, so there ids always commit in order; the margin applies there as well, so that both
databases answer alike.)
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db


@dataclass
class Keyset:
    """Which part of a sheet to read: after a key, how many rows; and the last key read."""

    after: tuple | None = None
    limit: int | None = None
    last: tuple | None = None
    # Rows whose id (a key's first part) is at or above it may still be settling: left out.
    horizon: int | None = None


def horizon(model, now: datetime, margin: timedelta) -> int | None:
    """The smallest id of a record of `model` received within `margin` of `now`, either way.

    None when there is none, or when the margin is zero (every committed row shows at once).
    Every study's records count: ids are shared, and a record of another study received
    recently holds back only rows inserted after it, which are recent themselves.
    """
    if margin <= timedelta(0):
        return None
    received = model.received_at
    # OFFSET 0 keeps the ids received in the span a subquery of their own: PostgreSQL would
    # otherwise read min(id) as the first id in key order that passes the filter, walking
    # the primary key through every row settled long ago when many arrived at once.
    recent = (
        sa.select(model.id)
        .where(received >= now - margin, received <= now + margin)
        .offset(0)
        .subquery()
    )
    return db.session.scalar(sa.select(sa.func.min(recent.c.id)))


def settled(column, page: "Keyset"):
    """SQL for: the id in `column` lies below the page's horizon (always true without one)."""
    return sa.true() if page.horizon is None else column < page.horizon


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
