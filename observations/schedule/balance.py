"""The balance summary of a plan: how evenly it spreads slots over sites, days, windows
and observers. Plain JSON values, for the page, the CLI's --json and the tests.

{"sites": {name: {"weekday": {window: n}, "weekend": {window: n}, "total": n,
 "spread": max − min over its cells}},
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


def _site_counts(request, sites, slots) -> dict:
    """Per site: counts per kind of day × window, total and spread."""
    kinds = _kinds(request)
    windows = [w.label for w in request.windows]
    counts = {s.name: {k: dict.fromkeys(windows, 0) for k in kinds} for s in sites}
    for slot in slots:
        kind = "weekend" if slot.starts_at.weekday() in WEEKEND else "weekday"
        counts[slot.site_name][kind][slot.window] += 1
    result = {}
    for name, per_kind in counts.items():
        cells = [n for row in per_kind.values() for n in row.values()]
        result[name] = {
            **per_kind,
            "total": sum(cells),
            "spread": max(cells) - min(cells) if cells else 0,
        }
    return result


def balance_of(
    request: PlanRequest, sites: list[Site], team: list[Membership], slots: list[PlannedSlot]
) -> dict:
    """The balance summary of the plan's slots."""
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
        "sites": _site_counts(request, sites, slots),
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
