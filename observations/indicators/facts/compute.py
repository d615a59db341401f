"""The facts of a few sessions, computed from their records in a handful of grouped SELECTs.

Uses the same SQL as the live tallies (cells.py, local_time.py), so that both count alike;
Python only merges the few dozen grouped rows a session yields.
"""

from collections import defaultdict
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import func, select

from ...extensions import db
from ...models import Encounter, Scan, ScanCondition, ScanCount, Session
from ..cells import FLAGS, RELATIONS, encounter_groups, hour_cells
from ..local_time import LocalClock
from ..scope import COUNTED, session_columns

MIX_CATEGORIES = ("age", "gender", "company", "role", "regular")
ENCOUNTER_CATEGORIES = ("encounter_type", "parties")
MEASURES = ("encounters", *RELATIONS, *FLAGS)
NOT_CODED = ""


def daypart(hour: int) -> str:
    """The part of the day of a local hour number: before 12, before 17, or later."""
    hour_of_day = hour % 24
    return "morning" if hour_of_day < 12 else "afternoon" if hour_of_day < 17 else "evening"


def clock_over(timezone: str, years) -> LocalClock:
    """A local clock over these years (a year to spare on each side)."""
    years = set(years) or {2000}
    return LocalClock(timezone, min(years) - 1, max(years) + 1)


def counted_sessions(session_ids):
    """SQL (a subquery): those of the sessions that indicators count."""
    return (
        select(*session_columns()).where(Session.id.in_(session_ids), *COUNTED).subquery("scoped")
    )


@lru_cache(maxsize=64)
def _statements(clock: LocalClock) -> dict[str, list]:
    """The SELECTs that compute the facts of the sessions :ids on a clock, built once per
    clock: a session's end (a phone's sync) runs them all, and building them is most of
    their cost."""
    scoped = counted_sessions(sa.bindparam("ids", expanding=True))
    return {
        "sessions": [select(scoped)],
        "hours": [hour_cells(scoped, clock)],
        "encounters": [_encounter_query(scoped, clock)],
        "kinds": [_kind_query(scoped, clock, category) for category in ENCOUNTER_CATEGORIES],
        "mix": [_mix_query(scoped, clock)],
        "zones": _zone_queries(scoped, clock),
    }


def _encounter_query(scoped, clock: LocalClock):
    e = Encounter.__table__
    grouped = encounter_groups(scoped, clock, [e.c.retracted.is_(False)]).subquery()
    g = grouped.c
    hour = clock.start_hour_number(clock.bucket_start(g.b))
    return select(
        g.session_id, hour.label("lh"), g.zone_id, g.n, *(g[m] for m in (*RELATIONS, *FLAGS))
    )


def _kind_query(scoped, clock: LocalClock, category: str):
    e = Encounter.__table__
    hour = clock.hour_number(e.c.occurred_at)
    column = func.coalesce(e.c[category], NOT_CODED)
    return (
        select(e.c.session_id, hour, sa.literal(category), column, func.count())
        .join(scoped, scoped.c.id == e.c.session_id)
        .where(e.c.retracted.is_(False))
        .group_by(e.c.session_id, hour, column)
    )


def _mix_query(scoped, clock: LocalClock):
    s, counts = Scan.__table__, ScanCount.__table__
    hour = clock.hour_number(s.c.observed_at)
    return (
        select(s.c.session_id, hour, counts.c.category, counts.c.code, func.sum(counts.c.count))
        .join(scoped, scoped.c.id == s.c.session_id)
        .join(counts, counts.c.scan_id == s.c.id)
        .where(s.c.retracted.is_(False), counts.c.category.in_(MIX_CATEGORIES))
        .group_by(s.c.session_id, hour, counts.c.category, counts.c.code)
    )


def _zone_queries(scoped, clock: LocalClock) -> list:
    s, c = Scan.__table__, ScanCondition.__table__
    hour = clock.hour_number(s.c.observed_at)
    live = (s.c.retracted.is_(False), s.c.zone_id.is_not(None))
    scans = (
        select(s.c.session_id, s.c.zone_id, hour, sa.literal(NOT_CODED), func.count())
        .join(scoped, scoped.c.id == s.c.session_id)
        .where(*live)
        .group_by(s.c.session_id, s.c.zone_id, hour)
    )
    conditions = (
        select(s.c.session_id, s.c.zone_id, hour, c.c.code, func.count())
        .join(scoped, scoped.c.id == s.c.session_id)
        .join(c, c.c.scan_id == s.c.id)
        .where(*live)
        .group_by(s.c.session_id, s.c.zone_id, hour, c.c.code)
    )
    return [scans, conditions]


class SessionFacts:
    """The rows of fact_hours, fact_codes and fact_zones for some sessions of one study."""

    def __init__(self, clock: LocalClock, session_ids, connection=None):
        self.clock = clock
        self.db = connection or db.session
        self.statements = _statements(clock)
        self.ids = {"ids": list(session_ids)}
        self.sessions = {row.id: row for row in self._rows("sessions")}
        self.hours: dict = {}
        self.codes: dict = defaultdict(int)
        self.zones: dict = defaultdict(lambda: [0, 0])

    def compute(self) -> "SessionFacts":
        """Fill the rows from the records."""
        if self.sessions:
            self._hours()
            self._encounters()
            self._kinds()
            self._mix()
            self._zones()
        return self

    def _hour(self, session_id: int, hour: int) -> dict:
        """The fact_hours row of a session-hour, made on first use."""
        key = (session_id, hour)
        if key not in self.hours:
            s = self.sessions[session_id]
            self.hours[key] = {
                "session_id": session_id,
                "hour": hour,
                "day": hour // 24,
                "week_hour": ((hour // 24 + 3) % 7) * 24 + hour % 24,
                "site_id": s.site_id,
                "review_state": s.review_state,
                "programme": s.programme,
                "crowding": s.crowding,
                "seconds": 0,
            } | dict.fromkeys(MEASURES, 0)
        return self.hours[key]

    def _rows(self, name: str):
        """The rows of the named statements (built once per clock) for these sessions."""
        for statement in self.statements[name]:
            yield from self.db.execute(statement, self.ids)

    def _hours(self) -> None:
        for row in self._rows("hours"):
            self._hour(row.id, row.lh)["seconds"] += int(row.seconds)

    def _encounters(self) -> None:
        for row in self._rows("encounters"):
            cell = self._hour(row.session_id, row.lh)
            cell["encounters"] += row.n
            for name in (*RELATIONS, *FLAGS):
                cell[name] += int(row._mapping[name] or 0)
            if row.zone_id is not None:
                self.zones[(row.session_id, row.zone_id, row.lh, NOT_CODED)][1] += row.n

    def _kinds(self) -> None:
        for session_id, lh, category, code, n in self._rows("kinds"):
            self.codes[(session_id, lh, category, code)] += n

    def _mix(self) -> None:
        for session_id, lh, category, code, n in self._rows("mix"):
            self.codes[(session_id, lh, category, code)] += int(n or 0)

    def _zones(self) -> None:
        for session_id, zone_id, lh, condition, n in self._rows("zones"):
            self.zones[(session_id, zone_id, lh, condition)][0] += n

    def rows(self) -> dict[str, list[dict]]:
        """{table name: rows to insert}."""
        codes = []
        for (session_id, hour, category, code), n in self.codes.items():
            s = self.sessions[session_id]
            codes.append(
                {
                    "session_id": session_id,
                    "hour": hour,
                    "category": category,
                    "code": code,
                    "site_id": s.site_id,
                    "review_state": s.review_state,
                    "daypart": daypart(hour),
                    "n": n,
                }
            )
        zones = []
        for (session_id, zone_id, hour, condition), (scans, n) in self.zones.items():
            s = self.sessions[session_id]
            zones.append(
                {
                    "session_id": session_id,
                    "zone_id": zone_id,
                    "hour": hour,
                    "condition": condition,
                    "site_id": s.site_id,
                    "review_state": s.review_state,
                    "scans": scans,
                    "encounters": n,
                }
            )
        return {
            "fact_hours": list(self.hours.values()),
            "fact_codes": codes,
            "fact_session_codes": self._session_codes(),
            "fact_zones": zones,
            "fact_conditions": self._whole_sessions(),
        }

    def _session_codes(self) -> list[dict]:
        """fact_session_codes: the codes summed over each session (per part of the day for
        the visitor mix)."""
        whole = defaultdict(int)
        for (session_id, hour, category, code), n in self.codes.items():
            part = NOT_CODED if category in ENCOUNTER_CATEGORIES else daypart(hour)
            whole[(session_id, hour // 24, category, code, part)] += n
        return [
            {
                "session_id": session_id,
                "day": day,
                "category": category,
                "code": code,
                "daypart": part,
                "site_id": self.sessions[session_id].site_id,
                "review_state": self.sessions[session_id].review_state,
                "n": n,
            }
            for (session_id, day, category, code, part), n in whole.items()
        ]

    def _days(self) -> dict[int, int]:
        """{session id: the local day all its facts lie in, or -1 when they span days}."""
        days = defaultdict(set)
        for keys in (self.hours, self.codes, self.zones):
            for key in keys:
                hour = key[2] if keys is self.zones else key[1]
                days[key[0]].add(hour // 24)
        return {session_id: next(iter(d)) if len(d) == 1 else -1 for session_id, d in days.items()}

    def _whole_sessions(self) -> list[dict]:
        """fact_conditions: each session's zone conditions judged over all its scans."""
        seconds = defaultdict(int)
        for (session_id, _hour), cell in self.hours.items():
            seconds[session_id] += cell["seconds"]
        scans, times = defaultdict(lambda: [0, 0]), defaultdict(int)
        for (session_id, zone_id, _hour, condition), (n_scans, n) in self.zones.items():
            if condition == NOT_CODED:
                scans[(session_id, zone_id)][0] += n_scans
                scans[(session_id, zone_id)][1] += n
            else:
                times[(session_id, zone_id, condition)] += n_scans
        held = defaultdict(lambda: [0, 0])
        for (session_id, _zone), (n_scans, n) in scans.items():
            if n_scans and seconds[session_id] > 0:
                held[(session_id, NOT_CODED)][0] += seconds[session_id]
                held[(session_id, NOT_CODED)][1] += n
        for (session_id, zone_id, condition), n_times in times.items():
            n_scans, n = scans[(session_id, zone_id)]
            if n_scans and seconds[session_id] > 0 and 2 * n_times >= n_scans:
                held[(session_id, condition)][0] += seconds[session_id]
                held[(session_id, condition)][1] += n
        days = self._days()
        return [
            {
                "session_id": session_id,
                "condition": condition,
                "site_id": self.sessions[session_id].site_id,
                "review_state": self.sessions[session_id].review_state,
                "day": days[session_id],
                "seconds": zone_seconds,
                "encounters": n,
            }
            for (session_id, condition), (zone_seconds, n) in held.items()
        ]
