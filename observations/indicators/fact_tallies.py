"""The tallies read from the indicator facts (models/facts.py) instead of the records.

The same figures as `Tallies` (tallies.py), from some fifty thousand session-hours instead
of a million encounters and their flags: each statement sums fact rows in the order of an
index that holds every column it needs. Filters act on the facts' own columns (site, review
state, local hour).
A zone filter needs the records themselves: `Tallies.of` then counts live.
"""

from functools import cached_property

import sqlalchemy as sa
from sqlalchemy import func, literal, null, select
from sqlalchemy.sql.elements import Null

from ..models import CodeFact, ConditionFact, HourFact, SessionCodeFact, ZoneFact
from ..models.facts import HOUR_SUMS
from .facts.compute import ENCOUNTER_CATEGORIES, MIX_CATEGORIES, NOT_CODED
from .tallies import Tallies, _branch, _execute, collect, zone_condition_branches

MEASURED = ("seconds", "encounters")


def _keys(keys) -> list:
    """Two integer and two text key columns, as `tallies._branch` has them."""
    return [
        sa.cast(keys[0], sa.BigInteger).label("i1"),
        sa.cast(keys[1], sa.BigInteger).label("i2"),
        sa.cast(keys[2], sa.String).label("t1"),
        sa.cast(keys[3], sa.String).label("t2"),
    ]


def _summed(branches):
    """One SELECT adding up "zones" branches that may repeat a key."""
    rows = sa.union_all(*branches).subquery("zone_branches")
    keys = [rows.c[name] for name in ("fact", "kind", "i1", "i2", "t1", "t2")]
    measures = [func.sum(rows.c[f"m{n}"]).label(f"m{n}") for n in range(6)]
    return select(*keys, *measures).group_by(*keys)


def _measures(sums) -> list:
    return [sa.cast(m, sa.BigInteger).label(f"m{n}") for n, m in enumerate(sums)]


class FactTallies(Tallies):
    """`Tallies` over the facts; for scopes without a zone filter."""

    def _where(self, table) -> list:
        """SQL conditions on a fact table: the sites, review states and the hours kept."""
        scope = self.scope
        return [
            table.c.site_id.in_([site.id for site in self.sites]),
            table.c.review_state.in_(scope.f.review),
            *scope.keeps(table.c.hour),
        ]

    @cached_property
    def time(self) -> dict:
        """See `Tallies.time`: each roll-up one pass over the covering index in its order,
        summing seconds and encounters together."""
        h = HourFact.__table__
        where = self._where(h)
        rollups = {
            "day": (h.c.site_id, h.c.day, null(), null()),
            "how": (h.c.site_id, h.c.week_hour, null(), null()),
            "cond": (null(), null(), h.c.programme, h.c.crowding),
        }
        sums = [func.sum(h.c[name]) for name in HOUR_SUMS]
        branches = [
            select(literal(kind).label("kind"), *_keys(keys), *_measures(sums))
            .where(*where)
            .group_by(*(key for key in keys if not isinstance(key, Null)))
            for kind, keys in rollups.items()
        ]
        sessions = [func.count(h.c.session_id.distinct())] + [literal(0)] * (len(HOUR_SUMS) - 1)
        branches.append(
            select(
                literal("sessions").label("kind"),
                *_keys((h.c.site_id, null(), null(), null())),
                *_measures(sessions),
            )
            .where(*where, h.c.seconds > 0)
            .group_by(h.c.site_id)
        )
        result = collect(_execute(self._zones()))
        for row in _execute(sa.union_all(*branches)):
            seconds, *encounters = (int(m or 0) for m in row[5:])
            if row.kind == "sessions":
                result["sessions"][row.i1] = seconds
                continue
            key = (row.t1, row.t2) if row.kind == "cond" else (row.i1, row.i2)
            # As counted live: hours where a session was observed, encounters where any were.
            if seconds > 0:
                result["hours"][row.kind][key] = (seconds, 0, 0, 0, 0, 0)
            if encounters[0] > 0:
                result["encounters"][row.kind][key] = tuple(encounters)
        return result

    def _zones(self):
        """See `Tallies._zone_branches`, as one statement summing the branches below.

        Filters that leave whole days read each session's own judgement (fact_conditions) —
        when they leave some days out, only for the sessions within one day, and the few
        that span days are judged again from their hours kept; a time window judges every
        session from its hours kept (fact_zones, fact_hours)."""
        if not self._whole_days:
            return _summed(self._zone_hours_branches())
        c = ConditionFact.__table__
        where = [
            c.c.site_id.in_([site.id for site in self.sites]),
            c.c.review_state.in_(self.scope.f.review),
        ]
        branches = []
        if self.scope.cuts_days:
            where += [c.c.day >= 0, *self.scope.keeps_days(c.c.day)]
            spanning = select(c.c.session_id).where(c.c.day < 0)
            branches = self._zone_hours_branches(spanning)
        judged = select(c).where(*where, c.c.condition == NOT_CODED).subquery("whole_judged")
        held = select(c).where(*where, c.c.condition != NOT_CODED).subquery("whole_held")
        branches += [
            _branch("zones", "all", judged, {}, [func.sum(judged.c[m]) for m in MEASURED]),
            _branch(
                "zones",
                "code",
                held,
                {"t1": held.c.condition},
                [func.sum(held.c[m]) for m in MEASURED],
            ),
        ]
        return _summed(branches)

    def _zone_hours_branches(self, sessions=None) -> list:
        """Zone conditions judged from fact_zones and fact_hours within the filters (of
        `sessions` only, a SELECT of session ids, when given)."""
        z, h = ZoneFact.__table__, HourFact.__table__
        only = [] if sessions is None else [z.c.session_id.in_(sessions)]
        zones = (
            select(
                z.c.session_id,
                z.c.zone_id,
                func.sum(z.c.scans).label("scans"),
                func.sum(z.c.encounters).label("n"),
            )
            .where(*self._where(z), *only, z.c.condition == NOT_CODED)
            .group_by(z.c.session_id, z.c.zone_id)
            .having(func.sum(z.c.scans) > 0)
            .cte("zone_totals")
        )
        only_hours = [] if sessions is None else [h.c.session_id.in_(sessions)]
        seconds = (
            select(h.c.session_id, func.sum(h.c.seconds).label("seconds"))
            .where(*self._where(h), *only_hours, h.c.seconds > 0)
            .group_by(h.c.session_id)
            .cte("session_seconds")
        )
        judged = (
            select(zones.c.session_id, zones.c.zone_id, zones.c.scans, seconds.c.seconds, zones.c.n)
            .join(seconds, seconds.c.session_id == zones.c.session_id)
            .cte("judged")
        )
        recorded = (
            select(
                z.c.session_id,
                z.c.zone_id,
                z.c.condition.label("code"),
                func.sum(z.c.scans).label("times"),
            )
            .where(*self._where(z), *only, z.c.condition != NOT_CODED)
            .group_by(z.c.session_id, z.c.zone_id, z.c.condition)
            .cte("recorded")
        )
        return zone_condition_branches(judged, recorded)

    @property
    def _whole_days(self) -> bool:
        """Whether the filters leave whole days (no time window): the per-session-and-day
        facts then serve, with the dates and days applied to their day."""
        f = self.scope.f
        return f.hour_from == 0 and f.hour_to == 24

    def _codes(self, categories, daypart: bool):
        """Rows (site, category, code, [daypart,] n), in index order: summed per session and
        day when the filters leave whole days, per kept hour otherwise."""
        if self._whole_days:
            c = SessionCodeFact.__table__
            where = [
                c.c.site_id.in_([site.id for site in self.sites]),
                c.c.review_state.in_(self.scope.f.review),
                *self.scope.keeps_days(c.c.day),
            ]
        else:
            c = CodeFact.__table__
            where = self._where(c)
        keys = [c.c.site_id, c.c.category, c.c.code] + ([c.c.daypart] if daypart else [])
        return _execute(
            select(*keys, func.sum(c.c.n))
            .where(*where, c.c.category.in_(categories))
            .group_by(*keys)
        )

    @cached_property
    def mix(self) -> dict:
        """See `Tallies.mix`."""
        rows = self._codes(MIX_CATEGORIES, daypart=True)
        return {(site, part, cat, code): int(n) for site, cat, code, part, n in rows}

    @cached_property
    def kinds(self) -> dict:
        """See `Tallies.kinds`."""
        rows = self._codes(ENCOUNTER_CATEGORIES, daypart=False)
        return {
            (site, cat, None if code == NOT_CODED else code): int(n) for site, cat, code, n in rows
        }
