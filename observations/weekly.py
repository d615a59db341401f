"""Weekly periods: a site's opening hours and a member's availability share them.

A week is {weekday: [(start, end), …]} with 0 = Monday and wall-clock times in the study's
time zone. An empty week means "any time". Both editors offer up to two periods a day.
"""

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import audit
from .extensions import db
from .validation import Invalid

WEEKDAYS = range(7)
PERIODS_PER_DAY = 2
DAY_NAMES = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
# What an open-ended day's last period closes at: the editor has no 24:00.
END_OF_DAY = time(23, 59)

Week = dict[int, list[tuple[time, time]]]


def week_of(rows, start: str, end: str) -> Week:
    """Rows with a weekday and two times (OpeningHours, Availability) as a week."""
    week: Week = {day: [] for day in WEEKDAYS}
    for row in rows:
        week[row.weekday].append((getattr(row, start), getattr(row, end)))
    for periods in week.values():
        periods.sort()
    return week


def problems(week: Week) -> dict[tuple[int, int], str]:
    """What is wrong per (weekday, period index): an end before the start, or an overlap."""
    found = {}
    for day, periods in week.items():
        for index, (start, end) in enumerate(periods):
            if start >= end:
                found[(day, index)] = _(
                    "%(day)s: a period must end after it starts.", day=DAY_NAMES[day]
                )
        ordered = sorted(enumerate(periods), key=lambda item: item[1])
        for (_first, earlier), (index, later) in pairwise(ordered):
            if later[0] < earlier[1] and (day, index) not in found:
                found[(day, index)] = _(
                    "%(day)s: the periods overlap; let one end before the other starts.",
                    day=DAY_NAMES[day],
                )
    return found


AUDIT_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check(week: Week) -> None:
    """Raise Invalid with a message per "weekday-period" that is wrong."""
    found = problems(week)
    if found:
        raise Invalid({f"{day}-{index}": [message] for (day, index), message in found.items()})


def rows(week: Week, make) -> list:
    """The week as rows, `make(weekday, start, end)` each, in order."""
    return [make(day, a, b) for day, periods in sorted(week.items()) for a, b in sorted(periods)]


def replace(
    owner, relation: str, model, columns: tuple[str, str], new: Week, audit_as: tuple, actor=None
) -> dict:
    """Replace the owner's weekly rows (a site's opening hours, a member's availability) with
    `new`, or raise Invalid; record one audit event when something changed and return it.

    `audit_as` is (entity, key, study_id) of the event."""
    check(new)
    before = week_of(getattr(owner, relation), *columns)
    first, last = columns
    setattr(owner, relation, rows(new, lambda day, a, b: model(weekday=day, **{first: a, last: b})))
    db.session.flush()  # the old rows go now (delete-orphan), before anyone reads them again
    found = changes(before, new)
    if found:
        entity, key, study_id = audit_as
        audit.record("update", entity, key, found, actor=actor, study_id=study_id)
    return found


def describe(week: Week) -> dict[str, str]:
    """A week as plain text per weekday, for the audit trail ("10:00-12:00, 13:00-20:00")."""
    return {
        AUDIT_DAYS[day]: ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)
        for day, periods in sorted(week.items())
        if periods
    }


def changes(before: Week, after: Week) -> dict[str, list]:
    """{weekday: [old periods, new periods]} for the days that changed (None: no periods)."""
    old, new = describe(before), describe(after)
    days = [day for day in AUDIT_DAYS if old.get(day) != new.get(day)]
    return {day: [old.get(day), new.get(day)] for day in days}


def _pieces(starts_at: datetime, ends_at: datetime, zone: str):
    """The local wall-clock stretches of a span, one per local day: (day, from, to)."""
    tz = ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    day = start.date()
    while day <= end.date():
        first = start.time() if day == start.date() else time.min
        last = end.time() if day == end.date() else END_OF_DAY
        # A span ending at midnight has nothing left on the next day.
        if not (day == end.date() and day != start.date() and last == time.min):
            # Clocks turned back: a span's end may read earlier than its start.
            yield day, min(first, last), max(first, last)
        day += timedelta(days=1)


def _within(period: tuple[time, time], first: time, last: time) -> bool:
    """Whether a stretch of one day lies in a period (one closing at 23:59 runs to midnight)."""
    start, end = period
    return start <= first and (last <= end or end >= END_OF_DAY)


def covers(week: Week, starts_at: datetime, ends_at: datetime, zone: str) -> bool:
    """Whether the span lies within the week's periods (an empty week covers everything)."""
    if not any(week.values()):
        return True
    return all(
        any(
            start <= first and (last <= end or end >= END_OF_DAY)
            for start, end in week[day.weekday()]
        )
        for day, first, last in _pieces(starts_at, ends_at, zone)
    )


def local_days(starts_at: datetime, ends_at: datetime, zone: str) -> set[date]:
    """The local days a span touches (a span ending at midnight does not touch the next)."""
    return {day for day, _first, _last in _pieces(starts_at, ends_at, zone)}
