"""The encounter rate of a session against the site's usual rate for the same time of day.

The day is cut into time windows (thresholds.rate_window_hours: the local hours at which
morning, afternoon and evening start, in the study's time zone, Europe/Amsterdam by default);
a session belongs to the window its start falls in. The usual rate of a site in a window is
that of the study's other ended, non-retracted sessions at that site in that window: their
encounters over their observed hours. One grouped query reads every session of the sites
concerned with its number of encounters; each session's own share is left out of its baseline.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_decimal, format_time, ngettext

from ..extensions import db
from ..models import Encounter, Session, Study
from .thresholds import Thresholds


@dataclass(frozen=True)
class Observed:
    """What one ended session contributes to a rate: where, when, how long, how many."""

    site_id: int
    window: int
    hours: float
    encounters: int
    # A rejected session is not data the study stands on: it has a rate, but is no baseline.
    in_baseline: bool = True


def window_of(moment: datetime, zone: ZoneInfo, starts: tuple[int, ...]) -> int:
    """The index of the time window a moment falls in (before the first start: the last)."""
    hour = moment.astimezone(zone).hour
    return (bisect_right(sorted(starts), hour) - 1) % len(starts)


def window_bounds(window: int, starts: tuple[int, ...]) -> tuple[str, str]:
    """A window's start and end as times of day in the locale's clock."""
    ordered = sorted(starts)
    begin, end = ordered[window], ordered[(window + 1) % len(ordered)]
    return tuple(format_time(time(hour), "short", rebase=False) for hour in (begin, end))


class Rates:
    """The observed hours and encounters of a study's ended sessions, per site and window."""

    def __init__(self, study: Study, limits: Thresholds):
        self.study = study
        self.limits = limits
        self.zone = ZoneInfo(study.timezone)
        self.sessions: dict[int, Observed] = {}
        self.totals: dict[tuple[int, int], tuple[float, int]] = {}
        self.sites: set[int] = set()

    def load(self, site_ids: set[int]) -> None:
        """Read the ended sessions of sites not read yet, with their live encounters."""
        new = site_ids - self.sites
        if not new:
            return
        self.sites |= new
        rows = db.session.execute(
            sa.select(
                Session.id,
                Session.site_id,
                Session.started_at,
                Session.ended_at,
                Session.review_state,
                sa.func.count(Encounter.id),
            )
            .outerjoin(
                Encounter,
                sa.and_(Encounter.session_id == Session.id, Encounter.retracted.is_(False)),
            )
            .where(
                Session.study_id == self.study.id,
                Session.retracted.is_(False),
                Session.ended_at.is_not(None),
                Session.site_id.in_(sorted(new)),
            )
            .group_by(Session.id)
        )
        starts = tuple(self.limits.rate_window_hours)
        for sid, site_id, started, ended, state, encounters in rows:
            seen = Observed(
                site_id,
                window_of(started, self.zone, starts),
                (ended - started).total_seconds() / 3600,
                encounters,
                state != "rejected",
            )
            self.sessions[sid] = seen
            if not seen.in_baseline:
                continue
            hours, count = self.totals.get((site_id, seen.window), (0.0, 0))
            self.totals[(site_id, seen.window)] = (hours + seen.hours, count + encounters)

    def message(self, session_id: int) -> str | None:
        """Why the session's rate is unusual, or None when it is not (or cannot be told)."""
        limits, own = self.limits, self.sessions.get(session_id)
        if own is None or own.hours * 60 < limits.rate_min_session_minutes:
            return None
        hours, count = self.totals.get((own.site_id, own.window), (0.0, 0))
        if own.in_baseline:
            hours, count = hours - own.hours, count - own.encounters
        base_hours, base_count = hours, count
        if base_hours < limits.rate_min_baseline_hours:
            return None
        usual, rate = base_count / base_hours, own.encounters / own.hours
        factor = limits.rate_factor
        if rate > factor * usual and own.encounters >= limits.rate_min_encounters:
            return ngettext(
                "%(num)d encounter in %(minutes)s minutes: %(rate)s per hour, more than "
                "%(factor)s times the usual %(usual)s per hour at this site between %(start)s "
                "and %(end)s (%(hours)s hours observed).",
                "%(num)d encounters in %(minutes)s minutes: %(rate)s per hour, more than "
                "%(factor)s times the usual %(usual)s per hour at this site between %(start)s "
                "and %(end)s (%(hours)s hours observed).",
                own.encounters,
                **self._figures(own, rate, usual, base_hours),
            )
        if rate * factor < usual and usual * own.hours >= limits.rate_min_encounters:
            return ngettext(
                "%(num)d encounter in %(minutes)s minutes: %(rate)s per hour, less than "
                "1/%(factor)s of the usual %(usual)s per hour at this site between %(start)s "
                "and %(end)s (%(hours)s hours observed).",
                "%(num)d encounters in %(minutes)s minutes: %(rate)s per hour, less than "
                "1/%(factor)s of the usual %(usual)s per hour at this site between %(start)s "
                "and %(end)s (%(hours)s hours observed).",
                own.encounters,
                **self._figures(own, rate, usual, base_hours),
            )
        return None

    def _figures(self, own: Observed, rate: float, usual: float, base_hours: float) -> dict:
        """The numbers an unusual-rate message shows, formatted for the locale."""
        start, end = window_bounds(own.window, tuple(self.limits.rate_window_hours))
        return {
            "minutes": format_decimal(own.hours * 60, "#,##0"),
            "rate": format_decimal(rate, "#,##0.0"),
            "factor": format_decimal(self.limits.rate_factor, "#,##0.#"),
            "usual": format_decimal(usual, "#,##0.0"),
            "start": start,
            "end": end,
            "hours": format_decimal(base_hours, "#,##0.#"),
        }
