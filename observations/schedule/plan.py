"""What the schedule generator is asked for and what it gives back (shared by the page,
the CLI and generator.py)."""

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

from .. import text

DEFAULT_WINDOWS = ("09:00-12:00", "13:00-17:00", "18:00-21:00")
# SOPARC practice: about 15 % of observations made by two observers at once.
DEFAULT_PAIRED_SHARE = 0.15
WEEKEND = (5, 6)  # Saturday and Sunday (0 = Monday)
MAX_WEEKS = 26  # half a year: longer plans are better made again when the team changes
MAX_PER_WINDOW = 10
DURATIONS = (15, 480)  # minutes
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Window:
    """A time window of the day in which sessions are planned, e.g. 09:00–12:00."""

    starts: time
    ends: time

    @property
    def label(self) -> str:
        """The window as the CLI and the slots store it: "09:00-12:00"."""
        return f"{self.starts:%H:%M}-{self.ends:%H:%M}"


@dataclass
class PlanRequest:
    """The coordinator's wishes. `per_window`: sessions per site in each time window, per
    week and per kind of day (weekday / weekend day)."""

    first_day: date
    last_day: date
    site_ids: list[int] = field(default_factory=list)  # empty: every active site
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    windows: tuple[Window, ...] = ()
    per_window: int = 1
    duration_minutes: int = 60
    paired_share: float = DEFAULT_PAIRED_SHARE
    seed: int = 0


@dataclass
class PlannedSlot:
    """One slot of a plan, before it is saved. Times are aware, in the study's time zone."""

    site_id: int
    site_name: str
    zone_ids: list[int]
    zone_names: list[str]
    starts_at: datetime
    ends_at: datetime
    window: str
    observer_ids: list[int]  # one, or two for a paired slot
    observer_codes: list[str]

    @property
    def paired(self) -> bool:
        """Two observers at once."""
        return len(self.observer_ids) == 2


@dataclass
class Plan:
    """A generated plan and its balance summary; `problems` says what could not be planned."""

    request: PlanRequest
    slots: list[PlannedSlot]
    balance: dict
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The CLI's --json shape: {"slots": [{"site", "zones", "start", "end",
        "observers"}], "balance": {…}} with ISO local times."""
        return {
            "slots": [
                {
                    "site": slot.site_name,
                    "zones": slot.zone_names,
                    "start": slot.starts_at.isoformat(),
                    "end": slot.ends_at.isoformat(),
                    "observers": slot.observer_codes,
                }
                for slot in self.slots
            ],
            "balance": self.balance,
        }


def parse_windows(written: str) -> tuple[Window, ...]:
    """Windows from text like "09:00-12:00, 13:00-17:00"; ValueError says what is wrong."""
    windows = []
    for part in (p.strip() for p in written.split(",")):
        if not part:
            continue
        match = _WINDOW.match(part)
        hours = [int(n) for n in match.groups()] if match else []
        if not hours or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
            raise ValueError(
                _(
                    "%(window)s is not a time window; write them like 09:00-12:00.",
                    window=text.visible(part),
                )
            )
        window = Window(time(hours[0], hours[1]), time(hours[2], hours[3]))
        if window.starts >= window.ends:
            raise ValueError(_("Window %(window)s ends before it starts.", window=part))
        windows.append(window)
    if not windows:
        raise ValueError(_("Give at least one time window, like 09:00-12:00."))
    windows.sort(key=lambda w: w.starts)
    for before, after in itertools.pairwise(windows):
        if after.starts < before.ends:
            raise ValueError(
                _(
                    "Windows %(first)s and %(second)s overlap.",
                    first=before.label,
                    second=after.label,
                )
            )
    return tuple(windows)


def _minutes(window: Window) -> int:
    """The window's length in minutes."""
    return (window.ends.hour - window.starts.hour) * 60 + window.ends.minute - window.starts.minute


def request_problems(request: PlanRequest) -> dict[str, list[str]]:
    """What is wrong with a request, per field (empty when it can be generated)."""
    problems: dict[str, list[str]] = {}
    span = (request.last_day - request.first_day).days + 1
    if span < 1:
        problems["last_day"] = [_("The last day comes before the first day.")]
    elif span > MAX_WEEKS * 7:
        problems["last_day"] = [
            _("Plan at most %(weeks)d weeks at a time.", weeks=MAX_WEEKS),
        ]
    if not request.weekdays:
        problems["weekdays"] = [_("Choose at least one day of the week.")]
    if not 1 <= request.per_window <= MAX_PER_WINDOW:
        problems["per_window"] = [
            _("Give a number of sessions from 1 to %(most)d.", most=MAX_PER_WINDOW)
        ]
    if not DURATIONS[0] <= request.duration_minutes <= DURATIONS[1]:
        problems["duration_minutes"] = [
            _(
                "Give a duration from %(least)d to %(most)d minutes.",
                least=DURATIONS[0],
                most=DURATIONS[1],
            )
        ]
    else:
        short = [w.label for w in request.windows if _minutes(w) < request.duration_minutes]
        if short:
            problems["windows"] = [
                _("Window %(window)s is shorter than a session.", window=", ".join(short))
            ]
    if not 0 <= request.paired_share <= 1:
        problems["paired_share"] = [
            _("The share of paired slots lies between 0 and 1 (0 and 100 percent).")
        ]
    return problems
