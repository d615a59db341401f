"""The filters in words: for the workbook's About sheet and the summary above the charts."""

from datetime import UTC, datetime

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..indicators import DEFAULT_REVIEW, Filters
from ..models import Site, Study
from .filtering import Reading
from .labels import PLACE_LEVELS

DAY_NAMES = {"all": _l("all days"), "weekday": _l("weekdays"), "weekend": _l("weekend")}
REVIEW_NAMES = {
    "pending": _l("awaiting review"),
    "approved": _l("approved"),
    "has_issues": _l("has issues"),
    "rejected": _l("rejected"),
}


def period(f: Filters) -> str:
    """The dates the figures cover."""
    if f.date_from and f.date_to:
        return _("%(start)s to %(end)s", start=format_date(f.date_from), end=format_date(f.date_to))
    if f.date_from:
        return _("from %(start)s", start=format_date(f.date_from))
    if f.date_to:
        return _("up to %(end)s", end=format_date(f.date_to))
    return _("all dates")


def window(f: Filters) -> str:
    """The hours of the day the figures cover."""
    if f.hour_from == 0 and f.hour_to == 24:
        return _("the whole day")
    return _("%(start)02d:00 to %(end)02d:00", start=f.hour_from, end=f.hour_to)


def review(f: Filters) -> str:
    """The review states of the sessions counted."""
    if set(f.review) == set(DEFAULT_REVIEW):
        return _("all but rejected sessions")
    return ", ".join(str(REVIEW_NAMES.get(state, state)) for state in f.review)


def lines(
    study: Study, reading: Reading, site: Site | None = None, stamp: bool = True
) -> list[tuple[str, str]]:
    """(label, value) lines naming the study, the place and every filter in force (and, with
    `stamp`, when they were made)."""
    f = reading.filters
    found = [(_("Study"), study.name)]
    if site is not None:
        found.append((_("Site"), site.name))
        zones = [z.name for z in site.zones if z.id in f.zones]
        found.append((_("Zones"), ", ".join(zones) or _("all zones")))
    else:
        names = [s.name for s in study.sites if s.id in f.sites]
        found.append((_("Sites"), ", ".join(names) or _("all sites")))
        found.append((_("Per"), str(PLACE_LEVELS.get(reading.level, reading.level))))
    found += [
        (_("Period"), period(f)),
        (_("Days"), str(DAY_NAMES.get(f.days, f.days))),
        (_("Time of day"), window(f)),
        (_("Review states"), review(f)),
    ]
    if stamp:
        found.append((_("Made at"), format_datetime(datetime.now(UTC))))
    return found
