"""The balance summary of a plan: how evenly it spreads slots over sites, days, windows
and observers. Plain JSON values, for the page, the CLI's --json and the tests.

{"sites": {name: {"weekday": {window: n}, "weekend": {window: n}, "total": n,
 "spread": max − min over its cells, "closed": [kind window, …]}} (closed cells, where
 the site is never open, are left out of the spread),
 "observers": {code: {"slots": n, "hours": h, "paired": n, "always_available": bool}},
 "paired": {"count": n, "share": s, "target_share": t, "target_count": n},
 "totals": {"slots": n, "hours": h, "sites": n, "observers": n, "load_spread": max − min}}
"""

from datetime import timedelta

from ..models import Membership, Site
from .plan import WEEKEND, PlannedSlot, PlanRequest


def _kinds(request: PlanRequest) -> list[str]:
    """The kinds of day the range holds on the chosen weekdays."""
    span = min(7, (request.last_day - request.first_day).days + 1)
    days = {(request.first_day + timedelta(days=n)).weekday() for n in range(span)}
    weekdays = days & set(request.weekdays)
    kinds = []
    if weekdays - set(WEEKEND):
        kinds.append("weekday")
    if weekdays & set(WEEKEND):
        kinds.append("weekend")
    return kinds


def _hours(minutes: float) -> float:
    """Minutes as hours, to a tenth."""
    return round(minutes / 60, 1)


def _site_counts(request, sites, slots, closed) -> dict:
    """Per site: counts per kind of day × window, total, and spread over the open cells."""
    kinds = _kinds(request)
    windows = [w.label for w in request.windows]
    counts = {s.name: {k: dict.fromkeys(windows, 0) for k in kinds} for s in sites}
    for slot in slots:
        kind = "weekend" if slot.starts_at.weekday() in WEEKEND else "weekday"
        counts[slot.site_name][kind][slot.window] += 1
    result = {}
    for name, per_kind in counts.items():
        shut = [(k, w) for k, row in per_kind.items() for w in row if (name, k, w) in closed]
        cells = [n for k, row in per_kind.items() for w, n in row.items() if (k, w) not in shut]
        result[name] = {
            **per_kind,
            "total": sum(n for row in per_kind.values() for n in row.values()),
            "spread": max(cells) - min(cells) if cells else 0,
            "closed": [f"{k} {w}" for k, w in shut],
        }
    return result


def balance_of(
    request: PlanRequest,
    sites: list[Site],
    team: list[Membership],
    slots: list[PlannedSlot],
    closed: set[tuple[str, str, str]] = frozenset(),
) -> dict:
    """The balance summary of the plan's slots; `closed`: (site, kind, window) cells the
    site is never open in."""
    observers = {
        m.observer_code: {
            "slots": 0,
            "hours": 0.0,
            "paired": 0,
            "always_available": not m.availability,
        }
        for m in team
    }
    minutes = 0.0
    for slot in slots:
        length = (slot.ends_at - slot.starts_at).total_seconds() / 60
        minutes += length
        for code in slot.observer_codes:
            observers[code]["slots"] += 1
            observers[code]["hours"] += length
            observers[code]["paired"] += slot.paired
    for row in observers.values():
        row["hours"] = _hours(row["hours"])
    paired = sum(slot.paired for slot in slots)
    loads = [row["slots"] for row in observers.values()]
    return {
        "sites": _site_counts(request, sites, slots, closed),
        "observers": observers,
        "paired": {
            "count": paired,
            "share": round(paired / len(slots), 3) if slots else 0.0,
            "target_share": request.paired_share,
            "target_count": int(request.paired_share * len(slots) + 0.5),
        },
        "totals": {
            "slots": len(slots),
            "hours": _hours(minutes),
            "sites": len(sites),
            "observers": len(team),
            "load_spread": max(loads) - min(loads) if loads else 0,
        },
    }
