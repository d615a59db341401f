"""A site's opening hours: per weekday one or more periods; a site without any is always open.

The schedule generator asks `is_open(site, starts_at, ends_at)`; times are wall-clock times
in the study's time zone, so a slot at 10:00 is judged at 10:00 on the day clocks change too.
"""

from datetime import date, datetime, time

from .. import weekly
from ..models import OpeningHours, Site, User


def week(site: Site) -> weekly.Week:
    """The site's opening hours as {weekday: [(opens, closes), …]}."""
    return weekly.week_of(site.opening_hours, "opens", "closes")


def always_open(site: Site) -> bool:
    """A site without opening hours is open at any time."""
    return not site.opening_hours


def open_periods(site: Site, day: date) -> list[tuple[time, time]]:
    """The periods the site is open on a day: [] when closed, all day when always open."""
    if always_open(site):
        return [(time.min, time.max)]
    return week(site)[day.weekday()]


def is_open(site: Site, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the site is open for the whole span (aware datetimes)."""
    return weekly.covers(week(site), starts_at, ends_at, site.study.timezone)


def set_hours(site: Site, new: weekly.Week, actor: User | None = None) -> dict:
    """Replace the site's opening hours, or raise Invalid; record the change if any."""
    return weekly.replace(
        site,
        "opening_hours",
        OpeningHours,
        ("opens", "closes"),
        new,
        ("opening_hours", site.id, site.study_id),
        actor,
    )
