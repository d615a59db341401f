"""The staying ratio: the people who stay (scans) against the people who pass (counts).

Gehl's first figure of a meeting place: of those who pass by, how many stop and stay. It
sets the people-moving counts at a counting line against the scans of the same zone:

- A count is *paired* with the scans of its zone in its own session taken within its
  period widened by its length on either side: a 10-minute count from 14:00 pairs with
  the scans of its zone from 13:50 up to and including 14:20. A count without such a scan
  is left out of both sides (and counted as `unpaired`).
- Passers per hour = the people of the paired counts ÷ their minutes × 60.
- People staying per scan = the people of the paired scans ÷ how many scans those are; a
  scan paired with two counts counts once, an empty scan counts 0. A scan's people are the
  largest total of a category that counts each person at most once (age, gender, …).
- Staying ratio = people staying per scan ÷ passers per hour: the people present at a
  moment for each person passing in an hour (× 100: per 100 passers an hour).

Per counting line (zone), and per site with all its lines' pairs together. Plain values in,
plain values out: no request, no translation.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .. import codebook
from ..extensions import db
from ..models import PasserCount, PasserTally, Scan, ScanCount, Session, Study
from .filters import Filters
from .scope import Scope


@dataclass
class Staying:
    """The paired counts and scans of one counting line (or of a site's lines: zone None)."""

    site_id: int
    zone_id: int | None
    counts: int = 0
    minutes: int = 0
    passers: int = 0
    scans: int = 0
    staying: int = 0
    unpaired: int = 0
    scan_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def passers_per_hour(self) -> float | None:
        """People passing per hour of counting (None: nothing paired)."""
        return self.passers * 60 / self.minutes if self.minutes else None

    @property
    def staying_per_scan(self) -> float | None:
        """People present on average in a paired scan (None: no scan)."""
        return self.staying / self.scans if self.scans else None

    @property
    def ratio(self) -> float | None:
        """People staying per scan ÷ passers per hour (None when nobody passed)."""
        per_hour, per_scan = self.passers_per_hour, self.staying_per_scan
        if not per_hour or per_scan is None:
            return None
        return per_scan / per_hour

    def add(self, count: "_Count", scans: list[tuple[int, int]]) -> None:
        """Take in one count and its paired scans (id, people)."""
        if not scans:
            self.unpaired += 1
            return
        self.counts += 1
        self.minutes += count.minutes
        self.passers += count.people
        for scan_id, people in scans:
            if scan_id not in self.scan_ids:
                self.scan_ids.add(scan_id)
                self.scans += 1
                self.staying += people


@dataclass(frozen=True)
class _Count:
    session_id: int
    site_id: int
    zone_id: int
    start: datetime
    minutes: int
    people: int


def people_categories(study: Study) -> list[str]:
    """The scan categories that count each person at most once (their largest total is the
    scan's people); without any, every single-valued scan category."""
    scan = [c for c in codebook.categories(study) if c.applies_to == "scan" and not c.multiple]
    once = [c.key for c in scan if c.per_person in ("exactly_one", "at_most_one")]
    return once or [c.key for c in scan]


def _counts(sessions: sa.Select, zones: tuple[int, ...]) -> list[_Count]:
    """The counts of the sessions (not withdrawn), with their people (the sum of the modes)."""
    people = (
        sa.select(sa.func.coalesce(sa.func.sum(PasserTally.count), 0))
        .where(PasserTally.passer_count_id == PasserCount.id, PasserTally.category == "mode")
        .scalar_subquery()
    )
    query = (
        sa.select(
            PasserCount.session_id,
            Session.site_id,
            PasserCount.zone_id,
            PasserCount.started_at,
            PasserCount.minutes,
            people,
        )
        .join(Session, Session.id == PasserCount.session_id)
        .where(PasserCount.session_id.in_(sessions), PasserCount.retracted.is_(False))
        .order_by(PasserCount.started_at, PasserCount.id)
    )
    if zones:
        query = query.where(PasserCount.zone_id.in_(zones))
    return [_Count(*row[:5], int(row[5])) for row in db.session.execute(query)]


def _scans(
    study: Study, sessions: sa.Select, counts: list[_Count]
) -> dict[tuple[int, int], list[tuple]]:
    """{(session, zone): [(time, scan id, people)] in time order}: the scans of the sessions
    at the zones of the counts, with their people, in one statement."""
    if not counts:
        return {}
    live = (
        Scan.session_id.in_(sessions),
        Scan.zone_id.in_(sorted({c.zone_id for c in counts})),
        Scan.retracted.is_(False),
    )
    per_category = (
        sa.select(ScanCount.scan_id, sa.func.sum(ScanCount.count).label("people"))
        .join(Scan, Scan.id == ScanCount.scan_id)
        .where(*live, ScanCount.category.in_(people_categories(study)))
        .group_by(ScanCount.scan_id, ScanCount.category)
        .subquery()
    )
    people = (
        sa.select(per_category.c.scan_id, sa.func.max(per_category.c.people).label("people"))
        .group_by(per_category.c.scan_id)
        .subquery()
    )
    found = db.session.execute(
        sa.select(
            Scan.id,
            Scan.session_id,
            Scan.zone_id,
            Scan.observed_at,
            sa.func.coalesce(people.c.people, 0),
        )
        .outerjoin(people, people.c.scan_id == Scan.id)
        .where(*live)
        .order_by(Scan.observed_at, Scan.id)
    )
    by_place: dict[tuple[int, int], list[tuple]] = {}
    for scan_id, session_id, zone_id, at, number in found:
        by_place.setdefault((session_id, zone_id), []).append((at, scan_id, int(number)))
    return by_place


def paired_scans(count: _Count, scans: list[tuple]) -> list[tuple[int, int]]:
    """(scan id, people) of the scans within the count's period widened by its length."""
    length = timedelta(minutes=count.minutes)
    times = [at for at, _id, _people in scans]
    first = bisect_left(times, count.start - length)
    last = bisect_right(times, count.start + 2 * length)
    return [(scan_id, people) for _at, scan_id, people in scans[first:last]]


def staying_ratios(
    study: Study,
    sessions: sa.Select,
    zones: tuple[int, ...] = (),
    keep: Callable[[datetime], bool] | None = None,
) -> list[Staying]:
    """Per site, one Staying per counting line (in order of zone id) and then the site's
    (zone None), for the counts of the given sessions (a select of session ids).

    `zones` keeps only the counts at those zones; `keep(start)` only the counts whose start
    (an aware UTC time) it accepts (the dashboards' dates, days and hours).
    """
    counts = [c for c in _counts(sessions, zones) if keep is None or keep(c.start)]
    scans = _scans(study, sessions, counts)
    lines: dict[tuple[int, int], Staying] = {}
    sites: dict[int, Staying] = {}
    for count in counts:
        pairs = paired_scans(count, scans.get((count.session_id, count.zone_id), []))
        key = (count.site_id, count.zone_id)
        lines.setdefault(key, Staying(count.site_id, count.zone_id)).add(count, pairs)
        sites.setdefault(count.site_id, Staying(count.site_id, None)).add(count, pairs)
    result = []
    for site_id in sorted(sites):
        result += [lines[key] for key in sorted(lines) if key[0] == site_id]
        result.append(sites[site_id])
    return result


def site_staying(study: Study, site_id: int, f: Filters) -> list[Staying]:
    """The site dashboard's staying ratios: the site's counts in the filters' scope (their
    sessions; the counts at the filters' zones, starting on the dates, days and hours kept)."""
    scope = Scope.of(study, f.replace(sites=(site_id,)))
    zone = ZoneInfo(study.timezone)

    def keep(start: datetime) -> bool:
        local = start.astimezone(zone)
        if (f.date_from and local.date() < f.date_from) or (f.date_to and local.date() > f.date_to):
            return False
        return f.keeps(local.isoweekday(), local.hour)

    sessions = sa.select(scope.sessions().c.id)
    return staying_ratios(study, sessions, f.zones, keep)
