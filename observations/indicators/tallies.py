"""The SQL behind every indicator: a few grouped statements, each table read once.

1. `time` — observed hours, encounters and zone conditions. Sessions are cut into one-hour
   buckets (a recursive CTE); encounters are grouped per session, bucket and zone in one pass
   (their relation and flags as sums), then per session and local hour; both are rolled up
   by site and local day, by site and hour of the week, and by session conditions, in one
   UNION ALL over materialised CTEs, with the zone conditions beside them.
2. `mix` — the people counted in scans per site, time window, category and code.
3. `kinds` — encounters per type and parties.

Each runs when first asked for, so that a single indicator runs only what it needs. Python
only combines the few hundred to few thousand rows that come back.
"""

from collections import defaultdict
from functools import cached_property

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import func, literal, null, select

from ..codebook import codes_by_category
from ..extensions import db
from ..models import Encounter, Scan, ScanCondition, ScanCount, Site, Study
from . import cells, facts
from .cells import FLAGS, RELATIONS
from .filters import Filters
from .scope import Scope

MIX_CATEGORIES = ("age", "gender", "company", "role", "regular")
# The roll-ups of the time statement: "day" (site, local day number), "how" (site, hour of
# the week, 0 = Monday 0:00), "cond" (programme level, crowding) and "sessions" (site).
NO_MEASURES = (0,) * 6


def _branch(fact: str, kind: str, cte, keys: dict, measures, group: bool = True):
    """One UNION ALL branch: `measures` (up to six) summed over `cte` by the keys given.

    Every branch has the same columns: fact, kind, two integer keys, two text keys, six measures.
    """
    measures = list(measures) + [literal(0)] * (6 - len(measures))
    columns = [
        literal(fact).label("fact"),
        literal(kind).label("kind"),
        sa.cast(keys.get("i1", null()), sa.BigInteger).label("i1"),
        sa.cast(keys.get("i2", null()), sa.BigInteger).label("i2"),
        sa.cast(keys.get("t1", null()), sa.String).label("t1"),
        sa.cast(keys.get("t2", null()), sa.String).label("t2"),
        *(sa.cast(m, sa.Float).label(f"m{n}") for n, m in enumerate(measures)),
    ]
    query = select(*columns).select_from(cte)
    return query.group_by(*keys.values()) if group and keys else query


def _rollups(fact: str, cells, measures) -> list:
    """The "day", "how" and "cond" roll-ups of a cell CTE (site, lh, programme, crowding)."""
    c = cells.c
    day = c.lh // 24
    how = ((day + 3) % 7) * 24 + c.lh % 24
    return [
        _branch(fact, "day", cells, {"i1": c.site_id, "i2": day}, measures),
        _branch(fact, "how", cells, {"i1": c.site_id, "i2": how}, measures),
        _branch(fact, "cond", cells, {"t1": c.programme, "t2": c.crowding}, measures),
    ]


def collect(rows) -> dict:
    """The `time` figures from the rows of its UNION ALL (see `Tallies.time`)."""
    result = {"hours": defaultdict(dict), "encounters": defaultdict(dict)}
    result |= {"sessions": {}, "zones": {}}
    for row in rows:
        # A sum over no rows (zone conditions without any scan) is NULL.
        measures = tuple(m or 0 for m in (row.m0, row.m1, row.m2, row.m3, row.m4, row.m5))
        if row.fact == "sessions":
            result["sessions"][row.i1] = int(measures[0])
        elif row.fact == "zones":
            result["zones"][row.t1] = (measures[0], int(measures[1]))
        elif row.kind == "cond":
            result[row.fact]["cond"][(row.t1, row.t2)] = measures
        else:
            result[row.fact][row.kind][(row.i1, row.i2)] = measures
    return result


def zone_condition_branches(judged, recorded) -> list:
    """The "zones" branches from `judged` (session_id, zone_id, scans, seconds, n: the
    session-zones with a scan) and `recorded` (session_id, zone_id, code, times): a zone had
    a condition when at least half of its scans recorded it."""
    held = (
        select(recorded.c.code, judged.c.seconds, judged.c.n)
        .select_from(recorded)
        .join(
            judged,
            sa.and_(
                judged.c.session_id == recorded.c.session_id,
                judged.c.zone_id == recorded.c.zone_id,
            ),
        )
        .where(2 * recorded.c.times >= judged.c.scans)
        .cte("held")
    )
    measures = lambda cte: [func.sum(cte.c.seconds), func.sum(cte.c.n)]  # noqa: E731
    return [
        _branch("zones", "all", judged, {}, measures(judged)),
        _branch("zones", "code", held, {"t1": held.c.code}, measures(held)),
    ]


def _execute(statement):
    """Run a tally statement; on PostgreSQL without JIT and with room to hash in memory.

    JIT compiling these plans costs more than it saves (seconds at a million encounters); at
    the default 4 MB work_mem the groupings spill to disk or sort where a hash would do (the
    planner cannot tell that a CASE over local hours yields three windows); and with the
    default random_page_cost (4, for spinning disks) it reads every encounter for one site
    rather than that site's sessions through the covering index. SET LOCAL lasts until the
    end of the transaction only.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))
        db.session.execute(sa.text("SET LOCAL work_mem = '256MB'"))
        db.session.execute(sa.text("SET LOCAL random_page_cost = 1.1"))
    return db.session.execute(statement)


class Tallies:
    """The grouped figures of one scope; each statement runs on first use."""

    def __init__(self, scope: Scope):
        self.scope = scope

    @classmethod
    def of(cls, study: Study, f: Filters) -> "Tallies":
        """The tallies of a study within filters: read from the indicator facts, unless a
        zone filter (or INDICATOR_FACTS = False) asks to count the records themselves."""
        from .fact_tallies import FactTallies

        scope = Scope.of(study, f)
        if cls is Tallies and not f.zones and current_app.config.get("INDICATOR_FACTS", True):
            facts.settle()
            return FactTallies(scope)
        return cls(scope)

    @cached_property
    def codes(self) -> dict[str, list[str]]:
        """{category: codes in codebook order} of the study's current codebook."""
        by_category = codes_by_category(self.scope.study)
        return {key: [c.code for c in codes] for key, codes in by_category.items()}

    @cached_property
    def sites(self) -> list[Site]:
        """The study's sites within the filters, in the study's order."""
        query = select(Site).where(Site.study_id == self.scope.study.id)
        if self.scope.f.sites:
            query = query.where(Site.id.in_(self.scope.f.sites))
        return list(db.session.scalars(query.order_by(Site.position, Site.name)))

    @cached_property
    def by_site(self) -> dict[int, tuple[float, tuple[int, ...]]]:
        """{site id: (observed seconds, encounter sums)} summed over the local days."""
        result: dict[int, list] = defaultdict(lambda: [0.0, [0] * 6])
        for (site, _day), measures in self.time["hours"]["day"].items():
            result[site][0] += measures[0]
        for (site, _day), measures in self.time["encounters"]["day"].items():
            result[site][1] = [a + int(b) for a, b in zip(result[site][1], measures, strict=True)]
        return {site: (seconds, tuple(sums)) for site, (seconds, sums) in result.items()}

    def _hour_cells(self, scoped):
        """CTE: each session's kept seconds per local hour (id, site, conditions, lh, seconds)."""
        scope = self.scope
        return (
            cells.hour_cells(scoped, scope.clock, scope.keeps)
            .cte("hour_cells")
            .prefix_with("MATERIALIZED")
        )

    def _encounter_cells(self, scoped):
        """CTEs: encounters per session and local hour (site, conditions, relations and flags
        summed), and per session and zone (for the zone conditions)."""
        scope, clock = self.scope, self.scope.clock
        e = Encounter.__table__
        grouped = (
            cells.encounter_groups(scoped, clock, scope.record_filter(e, e.c.occurred_at))
            .cte("encounter_groups")
            .prefix_with("MATERIALIZED")
        )
        g = grouped.c
        hour_number = clock.start_hour_number(clock.bucket_start(g.b))
        # The roll-ups need no zone: summed per session and hour they read a third of the rows.
        keys = (g.session_id, g.b, scoped.c.site_id, scoped.c.programme, scoped.c.crowding)
        cells_cte = (
            select(
                *keys[:1],
                *keys[2:],
                hour_number.label("lh"),
                func.sum(g.n).label("n"),
                *(func.sum(g[name]).label(name) for name in (*RELATIONS, *FLAGS)),
            )
            .select_from(grouped)
            .join(scoped, scoped.c.id == g.session_id)
            .where(*scope.keeps(hour_number))
            .group_by(*keys)
            .cte("encounter_cells")
            .prefix_with("MATERIALIZED")
        )
        zones = (
            select(g.session_id, g.zone_id, func.sum(g.n).label("n"))
            .where(*scope.keeps(hour_number))
            .group_by(g.session_id, g.zone_id)
            .cte("zone_encounters")
        )
        return cells_cte, zones

    @cached_property
    def time(self) -> dict:
        """Observed seconds, encounters and zone conditions, rolled up.

        {"hours": {kind: {key: (seconds, …)}}, "encounters": {kind: {key: (n, strangers,
        recognised, acquaintances, across_ages, different_company)}}, "sessions": {site: n},
        "zones": {code or None: (zone-seconds, encounters)}} — kinds "day", "how", "cond".
        """
        scoped = self.scope.sessions()
        hours = self._hour_cells(scoped)
        encounters, zone_encounters = self._encounter_cells(scoped)
        ec = encounters.c
        branches = [
            *_rollups("hours", hours, [func.sum(hours.c.seconds)]),
            _branch(
                "sessions",
                "site",
                hours,
                {"i1": hours.c.site_id},
                [func.count(hours.c.id.distinct())],
            ),
            *_rollups(
                "encounters",
                encounters,
                [func.sum(ec.n), *(func.sum(ec[r]) for r in RELATIONS)]
                + [func.sum(ec[code]) for code in FLAGS],
            ),
            *self._zone_branches(scoped, hours, zone_encounters),
        ]
        return collect(_execute(sa.union_all(*branches)))

    def _zone_branches(self, scoped, hours, zone_encounters) -> list:
        """Zone conditions: zone-hours and encounters of all judged zones and per code held.

        A zone counts as having a condition during a session when at least half of the
        session's scans of that zone (within the filters) recorded it; session-zones without
        such scans are left out. Hours are zone-hours: the session's hours within the
        filters, once per zone judged. Returns an "all" branch (t1 NULL) and one per code.
        """
        scope, clock = self.scope, self.scope.clock
        s = Scan.__table__
        scan_hour = clock.hour_number(s.c.observed_at)
        scans = (
            select(s.c.id, s.c.session_id, s.c.zone_id)
            .select_from(s)
            .join(scoped, scoped.c.id == s.c.session_id)
            .where(*scope.record_filter(s, s.c.observed_at), *scope.keeps(scan_hour))
            .cte("zone_scans")
            .prefix_with("MATERIALIZED")
        )
        session_seconds = (
            select(hours.c.id, func.sum(hours.c.seconds).label("seconds"))
            .group_by(hours.c.id)
            .cte("session_seconds")
        )
        judged = (
            select(
                scans.c.session_id,
                scans.c.zone_id,
                func.count().label("scans"),
                func.max(session_seconds.c.seconds).label("seconds"),
                func.max(func.coalesce(zone_encounters.c.n, 0)).label("n"),
            )
            .select_from(scans)
            .join(session_seconds, session_seconds.c.id == scans.c.session_id)
            .outerjoin(
                zone_encounters,
                sa.and_(
                    zone_encounters.c.session_id == scans.c.session_id,
                    zone_encounters.c.zone_id == scans.c.zone_id,
                ),
            )
            .group_by(scans.c.session_id, scans.c.zone_id)
            .cte("judged")
            .prefix_with("MATERIALIZED")
        )
        c = ScanCondition.__table__
        recorded = (
            select(scans.c.session_id, scans.c.zone_id, c.c.code, func.count().label("times"))
            .select_from(scans)
            .join(c, c.c.scan_id == scans.c.id)
            .group_by(scans.c.session_id, scans.c.zone_id, c.c.code)
            .cte("recorded")
        )
        return zone_condition_branches(judged, recorded)

    @cached_property
    def mix(self) -> dict:
        """{(site id, window, category, code): people counted} over the scans in scope."""
        scope, clock = self.scope, self.scope.clock
        scoped = scope.sessions()
        s = Scan.__table__
        scan_hour = clock.hour_number(s.c.observed_at)
        scans = (
            select(
                s.c.id,
                scoped.c.site_id,
                sa.case(
                    (scan_hour % 24 < 12, "morning"),
                    (scan_hour % 24 < 17, "afternoon"),
                    else_="evening",
                ).label("window"),
            )
            .select_from(s)
            .join(scoped, scoped.c.id == s.c.session_id)
            .where(*scope.record_filter(s, s.c.observed_at), *scope.keeps(scan_hour))
            .cte("mix_scans")
            # SQLite: work out each scan's window once, not once per count. PostgreSQL plans
            # better (an index join for one site) with the CTE inlined.
            .prefix_with("MATERIALIZED", dialect="sqlite")
        )
        counts = ScanCount.__table__
        rows = _execute(
            select(
                scans.c.site_id,
                scans.c.window,
                counts.c.category,
                counts.c.code,
                func.sum(counts.c.count),
            )
            .join(counts, counts.c.scan_id == scans.c.id)
            .where(counts.c.category.in_(MIX_CATEGORIES))
            .group_by(scans.c.site_id, scans.c.window, counts.c.category, counts.c.code)
        )
        return {(site, window, cat, code): int(n) for site, window, cat, code, n in rows}

    @cached_property
    def kinds(self) -> dict:
        """{(site id, "encounter_type" or "parties", code or None): encounters} within the
        filters."""
        scope, clock = self.scope, self.scope.clock
        scoped = scope.sessions()
        e = Encounter.__table__
        conditions = scope.record_filter(e, e.c.occurred_at)
        if not scope.f.whole_day:
            conditions += scope.keeps(clock.hour_number(e.c.occurred_at))
        result = {}
        for category in ("encounter_type", "parties"):
            rows = _execute(
                select(scoped.c.site_id, e.c[category], func.count())
                .select_from(e)
                .join(scoped, scoped.c.id == e.c.session_id)
                .where(*conditions)
                .group_by(scoped.c.site_id, e.c[category])
            )
            result |= {(site, category, code): n for site, code, n in rows}
        return result
