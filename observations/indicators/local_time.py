"""Local time inside SQL, right across DST, the same on SQLite and PostgreSQL.

Indicators group and filter by the study's local hour, weekday and date, but records are
stored in UTC. Neither database is asked about time zones (SQLite knows none): the offsets
come from zoneinfo as a CASE over the transitions within the data's span, so that a record's
*local hour number* — whole hours since 1970-01-01 00:00 local time — is

    (epoch seconds + CASE WHEN t < transition₁ THEN offset₀ … ELSE offsetₙ END) / 3600

in integer arithmetic. Everything else follows from that number in SQL or Python:
local hour = n % 24, day number = n / 24, ISO weekday = (day + 3) % 7 + 1 (day 0 was a
Thursday), Monday-based week number = (day + 3) / 7.

Observed hours are cut into *buckets* of one hour on a grid that lines up with local hours
(`shift` = the zone's offset modulo one hour, 0 for Europe/Amsterdam and for every zone whose
offsets are whole hours, 1800 for India). The buckets are UTC instants, so a session across a
DST change is cut exactly; a zone whose offsets differ by other than whole hours around the
year (Lord Howe Island) would see its local hours off by half an hour around that change.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..models.types import UTCDateTime

EPOCH_DAY = date(1970, 1, 1)


class epoch_seconds(FunctionElement):
    """`epoch_seconds(t)`: whole seconds since 1970 (UTC), rounded down, as an integer."""

    type = sa.BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds)
def _generic(element, compiler, **kw):
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(FLOOR(DATE_PART('epoch', {value})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'; strftime would round the fraction up.
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER)"


class utc_hour(FunctionElement):
    """`utc_hour(t)`: the UTC hour a time falls in, as a value to group by (text on SQLite)."""

    inherit_cache = True
    name = "utc_hour"


@compiles(utc_hour)
def _utc_hour_generic(element, compiler, **kw):
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(FLOOR(DATE_PART('epoch', {value}) / 3600) AS BIGINT)"


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': cutting the text is far cheaper than strftime.
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"substr({value}, 1, 13)"


class utc_hour_start(FunctionElement):
    """`utc_hour_start(h)`: the epoch seconds at which a `utc_hour` value begins."""

    type = sa.BigInteger()
    inherit_cache = True
    name = "utc_hour_start"


@compiles(utc_hour_start)
def _utc_hour_start_generic(element, compiler, **kw):
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({value} * 3600)"


@compiles(utc_hour_start, "sqlite")
def _utc_hour_start_sqlite(element, compiler, **kw):
    (value,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(strftime('%s', {value} || ':00') AS INTEGER)"


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    """The zone's UTC offset in seconds at an instant."""
    return int(moment.astimezone(zone).utcoffset().total_seconds())


@cache
def transitions(zone_name: str, first_year: int, last_year: int) -> tuple:
    """(offset before, ((instant, offset from then on), …)) over the years, from zoneinfo.

    Found day by day and narrowed to the second: zoneinfo offers no list of transitions.
    """
    zone = ZoneInfo(zone_name)
    moment = datetime(first_year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    first = current = _offset(zone, moment)
    changes = []
    while moment < end:
        following = moment + timedelta(days=1)
        if _offset(zone, following) != current:
            low, high = moment, following  # offset(low) == current, offset(high) differs
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(zone, middle) == current else (low, middle)
            current = _offset(zone, high)
            changes.append((high.replace(microsecond=0), current))
        moment = following
    return first, tuple(changes)


@dataclass(frozen=True)
class LocalClock:
    """The study's time zone over a span of years, turned into SQL and back."""

    zone_name: str
    first_year: int
    last_year: int

    @property
    def zone(self) -> ZoneInfo:
        """The zoneinfo zone."""
        return ZoneInfo(self.zone_name)

    @property
    def shift(self) -> int:
        """Seconds that line the bucket grid up with local hours."""
        return transitions(self.zone_name, self.first_year, self.last_year)[0] % 3600

    def offset(self, instant):
        """SQL: the zone's offset in seconds at an instant (a UTC datetime column)."""
        first, changes = transitions(self.zone_name, self.first_year, self.last_year)
        if not changes:
            return sa.literal(first, sa.Integer)
        whens = []
        before = first
        for moment, after in changes:
            whens.append((instant < sa.literal(moment, UTCDateTime), before))
            before = after
        return sa.case(*whens, else_=before)

    def offset_at_epoch(self, seconds):
        """SQL: the offset at an instant given as epoch seconds (an integer expression)."""
        first, changes = transitions(self.zone_name, self.first_year, self.last_year)
        if not changes:
            return sa.literal(first, sa.Integer)
        whens = []
        before = first
        for moment, after in changes:
            whens.append((seconds < int(moment.timestamp()), before))
            before = after
        return sa.case(*whens, else_=before)

    def hour_number(self, instant):
        """SQL: the local hour number of a UTC datetime column (see the module docstring)."""
        return (epoch_seconds(instant) + self.offset(instant)) // 3600

    def bucket(self, instant):
        """SQL: the bucket an instant falls in, a value to group by (see `bucket_start`)."""
        if self.shift == 0:
            return utc_hour(instant)
        return (epoch_seconds(instant) + self.shift) // 3600

    def bucket_start(self, bucket):
        """SQL: the epoch seconds at which a bucket (from `bucket`) begins."""
        if self.shift == 0:
            return utc_hour_start(bucket)
        return bucket * 3600 - self.shift

    def start_hour_number(self, start):
        """SQL: the local hour number of a bucket that begins at `start` (epoch seconds)."""
        return (start + self.offset_at_epoch(start)) // 3600

    def utc_start(self, day: date) -> datetime:
        """The UTC instant a local day begins."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)


def day_of(hour_number: int) -> date:
    """The local date of a local hour number."""
    return EPOCH_DAY + timedelta(days=hour_number // 24)


def weekday_of(hour_number: int) -> int:
    """The ISO weekday (1 = Monday) of a local hour number."""
    return (hour_number // 24 + 3) % 7 + 1


def week_key(day: date) -> str:
    """The ISO week of a day, as "2026-W40"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of_number(week_number: int) -> str:
    """The ISO week of a Monday-based week number ((day number + 3) / 7)."""
    return week_key(EPOCH_DAY + timedelta(days=week_number * 7 - 3))


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH_DAY).days
