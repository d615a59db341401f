"""Coverage: planned versus done per site × weekday/weekend × time window.

A planned slot is done when a session is linked to it, or when an unplanned session at its
site starts in its time window on its day (each session stands in for one slot at most).
Unplanned sessions that match no slot still count as done in their cell. A slot whose end
has passed without being done is missed; a cell with nothing planned is a gap too.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import Session, Site, Slot, Study, utcnow
from ..sites import hours
from . import local_day_bounds
from .plan import DEFAULT_WINDOWS, WEEKEND

DAY_KINDS = ("weekday", "weekend")


@dataclass
class Cell:
    """The figures of one site × kind of day × time window."""

    planned: int = 0
    done: int = 0  # slots done and unplanned sessions in the window
    missed: int = 0  # planned, passed, not done
    upcoming: int = 0  # planned, still to come, not done yet
    closed: bool = False  # the site is never open then: nothing to plan, no gap

    @property
    def gap(self) -> bool:
        """Something was missed, or nothing is planned where the site is open."""
        return self.missed > 0 or (self.planned == 0 and not self.closed)


@dataclass
class Coverage:
    """The coverage table: windows as columns; rows per site and kind of day."""

    windows: list[str]
    rows: list[tuple[Site, str, dict[str, Cell]]] = field(default_factory=list)
    outside: int = 0  # unplanned sessions that started in no time window

    def totals(self) -> Cell:
        """All cells added up."""
        total = Cell()
        for _site, _kind, cells in self.rows:
            for cell in cells.values():
                total.planned += cell.planned
                total.done += cell.done
                total.missed += cell.missed
                total.upcoming += cell.upcoming
        return total


def _parse(label: str) -> tuple[time, time]:
    """ "09:00-12:00" as two times."""
    starts, ends = label.split("-")
    return time.fromisoformat(starts), time.fromisoformat(ends)


def _window_of(moment: datetime, windows: list[str]) -> str | None:
    """The window a local time of day falls in, if any."""
    for label in windows:
        starts, ends = _parse(label)
        if starts <= moment.time() < ends:
            return label
    return None


def _slot_window(slot: Slot, zone: ZoneInfo) -> str:
    """The slot's window: as planned, else the default window it starts in, else its hours."""
    start = slot.starts_at.astimezone(zone)
    return (
        slot.time_window
        or _window_of(start, list(DEFAULT_WINDOWS))
        or f"{start:%H:%M}-{slot.ends_at.astimezone(zone):%H:%M}"
    )


def _kind(moment: datetime) -> str:
    """Weekday or weekend, of a local time."""
    return "weekend" if moment.weekday() in WEEKEND else "weekday"


def _closed(site: Site, kind: str, window: str) -> bool:
    """Whether the site is open at no moment of the window on any day of this kind."""
    first, last = _parse(window)
    monday = date(2024, 1, 1)  # any Monday: open_periods only reads the weekday
    days = WEEKEND if kind == "weekend" else tuple(d for d in range(7) if d not in WEEKEND)
    return not any(
        opens < last and closes > first
        for day in days
        for opens, closes in hours.open_periods(site, monday + timedelta(days=day))
    )


def coverage(
    study: Study,
    first_day: date,
    last_day: date,
    site_ids: list[int] | None = None,
    now: datetime | None = None,
) -> Coverage:
    """Planned versus done in the study's local days first_day … last_day."""
    zone, now = ZoneInfo(study.timezone), now or utcnow()
    start = local_day_bounds(first_day, study.timezone)[0]
    end = local_day_bounds(last_day, study.timezone)[1]
    sites = _sites(study, site_ids, start, end)
    site_filter = [site.id for site in sites]
    slots = db.session.scalars(
        select(Slot).where(
            Slot.study_id == study.id,
            Slot.status == "planned",
            Slot.starts_at >= start,
            Slot.starts_at < end,
            Slot.site_id.in_(site_filter),
        )
    ).all()
    sessions = db.session.scalars(
        select(Session).where(
            Session.study_id == study.id,
            Session.retracted.is_(False),  # undone on the phone: never observed
            Session.started_at >= start,
            Session.started_at < end,
            Session.site_id.in_(site_filter),
        )
    ).all()
    windows = sorted({_slot_window(s, zone) for s in slots} or set(DEFAULT_WINDOWS))
    table = Coverage(windows)
    cells = {
        (site.id, kind): {w: Cell(closed=_closed(site, kind, w)) for w in windows}
        for site in sites
        for kind in DAY_KINDS
    }
    table.rows = [(site, kind, cells[site.id, kind]) for site in sites for kind in DAY_KINDS]
    _count(table, cells, slots, sessions, zone, now)
    return table


def _sites(study: Study, site_ids, start: datetime, end: datetime) -> list[Site]:
    """The active sites (or those asked for), and any other site with slots in the period."""
    with_slots = select(Slot.site_id).where(
        Slot.study_id == study.id, Slot.starts_at >= start, Slot.starts_at < end
    )
    query = select(Site).where(
        Site.study_id == study.id, Site.active.is_(True) | Site.id.in_(with_slots)
    )
    if site_ids:
        query = query.where(Site.id.in_(site_ids))
    return list(db.session.scalars(query.order_by(Site.position, Site.name)))


def _count(table: Coverage, cells: dict, slots, sessions, zone: ZoneInfo, now: datetime) -> None:
    """Fill the cells: slots planned, sessions done, slots missed or still to come."""
    done = {s.slot_id for s in sessions if s.slot_id is not None}
    open_slots = {}  # (site, local day, window) -> slots not done yet
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        window = _slot_window(slot, zone)
        cell = cells[slot.site_id, _kind(local)][window]
        cell.planned += 1
        if slot.id in done:
            cell.done += 1
        else:
            open_slots.setdefault((slot.site_id, local.date(), window), []).append(slot)
    planned_ids = {slot.id for slot in slots}
    for session in sessions:
        if session.slot_id in planned_ids:
            continue  # counted with its slot
        local = session.started_at.astimezone(zone)
        window = _window_of(local, table.windows)
        if window is None:
            table.outside += 1
            continue
        cells[session.site_id, _kind(local)][window].done += 1
        waiting = open_slots.get((session.site_id, local.date(), window))
        if waiting:
            waiting.pop(0)  # this session stands in for that slot
    for (site_id, _day, window), waiting in open_slots.items():
        for slot in waiting:
            cell = cells[site_id, _kind(slot.starts_at.astimezone(zone))][window]
            if slot.ends_at <= now:
                cell.missed += 1
            else:
                cell.upcoming += 1
