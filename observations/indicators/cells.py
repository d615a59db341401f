"""The SQL that cuts sessions into local hours and groups their encounters, used both by the
live tallies (tallies.py) and by the facts kept per session (facts/compute.py)."""

import sqlalchemy as sa
from sqlalchemy import func, select

from ..models import Encounter, EncounterFlag

RELATIONS = ("strangers", "recognised", "acquaintances")
FLAGS = ("across_ages", "different_company")


def least(a, b):
    return sa.case((a < b, a), else_=b)


def greatest(a, b):
    return sa.case((a > b, a), else_=b)


def count_if(condition):
    return func.sum(sa.case((condition, 1), else_=0))


def hour_cells(scoped, clock, keeps=lambda hour_number: []):
    """SELECT: each session's seconds per local hour bucket, within `keeps(hour number)`.

    `scoped` has the columns of scope.session_columns(); the result has id, site_id,
    review_state, programme, crowding, lh (local hour number) and seconds. Sessions are cut
    into one-hour buckets by a recursive CTE, so that a session across a DST change is cut
    exactly (local_time.py).
    """
    shift = clock.shift
    first = select(
        scoped.c.id.label("id"),
        ((scoped.c.e0 + shift) // 3600).label("b"),
        ((scoped.c.e1 - 1 + shift) // 3600).label("last"),
    ).where(scoped.c.e1 > scoped.c.e0)
    buckets = first.cte("buckets", recursive=True)
    previous = buckets.alias("previous")
    buckets = buckets.union_all(
        select(previous.c.id, previous.c.b + 1, previous.c.last).where(
            previous.c.b < previous.c.last
        )
    )
    start = buckets.c.b * 3600 - shift
    hour_number = clock.start_hour_number(start)
    seconds = least(scoped.c.e1, start + 3600) - greatest(scoped.c.e0, start)
    return (
        select(
            scoped.c.id,
            scoped.c.site_id,
            scoped.c.review_state,
            scoped.c.programme,
            scoped.c.crowding,
            hour_number.label("lh"),
            seconds.label("seconds"),
        )
        .select_from(buckets)
        .join(scoped, scoped.c.id == buckets.c.id)
        .where(*keeps(hour_number))
    )


def encounter_groups(scoped, clock, conditions):
    """SELECT: encounters of the `scoped` sessions per session, hour bucket (b) and zone.

    Measures: n, the three relations and the two flags, each a count. `conditions` are
    further conditions on the encounters table.
    """
    e = Encounter.__table__
    flags = {code: EncounterFlag.__table__.alias(code) for code in FLAGS}
    bucket = clock.bucket(e.c.occurred_at)
    query = (
        select(
            e.c.session_id,
            bucket.label("b"),
            e.c.zone_id,
            func.count().label("n"),
            *(count_if(e.c.relation == r).label(r) for r in RELATIONS),
            *(func.count(flag.c.code).label(code) for code, flag in flags.items()),
        )
        .select_from(e)
        .join(scoped, scoped.c.id == e.c.session_id)
    )
    for code, flag in flags.items():
        query = query.outerjoin(flag, sa.and_(flag.c.encounter_id == e.c.id, flag.c.code == code))
    return query.where(*conditions).group_by(e.c.session_id, bucket, e.c.zone_id)
