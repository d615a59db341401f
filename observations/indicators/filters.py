"""What an indicator counts: dates, sites, zones, days, a time window and review states.

Every filter is in the study's local time. URL arguments (for links and the filter form):
`from`, `to` (ISO dates), `sites` and `zones` (comma-separated ids), `days` (all, weekday,
weekend), `hour_from`, `hour_to` (0–24) and `review` (comma-separated states). A list may also
come as a repeated argument (`?sites=1&sites=2`) when the mapping has `getlist` (a MultiDict).
Only non-default values are written by `query_args`, so a link without filters stays short.
An empty `review` argument means the default states (a form cannot send an empty set).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import lazy_gettext as _l

from ..models.records import REVIEW_STATES
from ..models.types import FIRST_DAY, LAST_DAY

DAYS = ("all", "weekday", "weekend")
DEFAULT_REVIEW = ("pending", "approved", "has_issues")

MESSAGES = {
    "date": _l("Give a date as YYYY-MM-DD."),
    "date_order": _l("The end date lies before the start date."),
    "ids": _l("Give numbers separated by commas."),
    "days": _l("Choose all days, weekdays or the weekend."),
    "hour_start": _l("Give a whole hour from 0 to 23."),
    "hour_end": _l("Give a whole hour from 1 to 24."),
    "hour_order": _l("The time window must end after it starts."),
    "review": _l("Choose known review states."),
}


class FilterError(ValueError):
    """A filter argument that cannot be read: `field` names the URL argument, `key` the problem.

    `message` is translatable (lazy), so `str(error.message)` is in the user's language when
    shown in a request; `key` is stable for code and tests.
    """

    def __init__(self, field: str, key: str):
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.message = MESSAGES[key]


@dataclass(frozen=True)
class Filters:
    """The slice of the study an indicator looks at; the defaults mean everything but rejected."""

    date_from: date | None = None
    date_to: date | None = None
    sites: tuple[int, ...] = ()
    zones: tuple[int, ...] = ()
    days: str = "all"
    hour_from: int = 0
    hour_to: int = 24
    review: tuple[str, ...] = DEFAULT_REVIEW

    def query_args(self) -> dict[str, str]:
        """The non-default values as URL arguments (see the module docstring)."""
        args = {}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        if self.sites:
            args["sites"] = ",".join(str(i) for i in self.sites)
        if self.zones:
            args["zones"] = ",".join(str(i) for i in self.zones)
        if self.days != "all":
            args["days"] = self.days
        if self.hour_from != 0:
            args["hour_from"] = str(self.hour_from)
        if self.hour_to != 24:
            args["hour_to"] = str(self.hour_to)
        if set(self.review) != set(DEFAULT_REVIEW):
            args["review"] = ",".join(self.review)
        return args

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Filters":
        """Filters from URL arguments; raises FilterError for the first argument it cannot read."""
        date_from = _date(args, "from")
        date_to = _date(args, "to")
        if date_from and date_to and date_to < date_from:
            raise FilterError("to", "date_order")
        days = (_value(args, "days") or "all").strip()
        if days not in DAYS:
            raise FilterError("days", "days")
        hour_from = _hour(args, "hour_from", 0, 0, 23)
        hour_to = _hour(args, "hour_to", 24, 1, 24)
        if hour_to <= hour_from:
            raise FilterError("hour_to", "hour_order")
        review = tuple(dict.fromkeys(_list(args, "review"))) or DEFAULT_REVIEW
        if any(state not in REVIEW_STATES for state in review):
            raise FilterError("review", "review")
        return cls(
            date_from=date_from,
            date_to=date_to,
            sites=_ids(args, "sites"),
            zones=_ids(args, "zones"),
            days=days,
            hour_from=hour_from,
            hour_to=hour_to,
            review=review,
        )

    def replace(self, **changes) -> "Filters":
        """A copy with some values changed (e.g. the site forced by the site dashboard)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return type(self)(**(values | changes))

    @property
    def whole_day(self) -> bool:
        """True when neither the time window nor the days leave any hour out."""
        return self.days == "all" and self.hour_from == 0 and self.hour_to == 24

    def keeps(self, weekday: int, hour: int) -> bool:
        """Whether a local hour (ISO weekday 1..7, hour 0..23) lies within days and window."""
        if (self.days == "weekday" and weekday > 5) or (self.days == "weekend" and weekday <= 5):
            return False
        return self.hour_from <= hour < self.hour_to


def _value(args: Mapping[str, str], name: str) -> str:
    """One argument's text, '' when absent."""
    return args.get(name) or ""


def _list(args: Mapping[str, str], name: str) -> list[str]:
    """A list argument: comma-separated and/or repeated; blanks dropped."""
    raw = args.getlist(name) if hasattr(args, "getlist") else [_value(args, name)]
    return [part.strip() for value in raw for part in (value or "").split(",") if part.strip()]


def _date(args: Mapping[str, str], name: str) -> date | None:
    """An ISO date within the years the app accepts, or None when blank."""
    text = _value(args, name).strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FilterError(name, "date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise FilterError(name, "date")
    return day


def _ids(args: Mapping[str, str], name: str) -> tuple[int, ...]:
    """Positive ids, in the order given, without repeats."""
    parts = _list(args, name)
    if not all(p.isascii() and p.isdigit() and 0 < len(p) < 10 for p in parts):
        raise FilterError(name, "ids")
    return tuple(dict.fromkeys(int(p) for p in parts))


def _hour(args: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    """A whole hour within [lowest, highest]: a window starts at 0–23 and ends at 1–24."""
    text = _value(args, name).strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and lowest <= int(text) <= highest):
        raise FilterError(name, "hour_start" if name == "hour_from" else "hour_end")
    return int(text)
