"""What the schedule generator is asked for and what it gives back (shared by the page,
the CLI and generator.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

DEFAULT_WINDOWS = ("09:00-12:00", "13:00-17:00", "18:00-21:00")
# SOPARC practice: about 15 % of observations made by two observers at once.
DEFAULT_PAIRED_SHARE = 0.15
WEEKEND = (5, 6)  # Saturday and Sunday (0 = Monday)


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
