"""Paired sessions: a second observer at the same site at the same time, for reliability.

The partner sees largely what the first observer saw: the same encounters in the zones both
cover, a few seconds apart and mostly coded alike, and scans of the same zones within a few
minutes whose counts differ by a person or two. How much they differ depends on the pair:
`AGREEMENT` gives each pair of the demo's fieldworkers its own habits, so that the
reliability table shows both near-perfect and merely moderate agreement (one pair often
tells recognised faces from acquaintances differently).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import observing
from .observing import EncounterRow, Records, ScanRow, Visit, pick


@dataclass(frozen=True)
class Habits:
    """How a partner's records depart from what the first observer recorded."""

    missed: float  # chance that an encounter is seen by one of the two only
    kind: float  # chance of coding the type as a neighbouring one
    relation: float  # chance of coding the relation as a neighbouring one
    parties: float
    flag: float  # chance of not ticking a flag the other ticked (ticking one: a tenth of it)
    recode: float  # chance per person in a scan of a different code in a category
    people: dict[int, int]  # difference in people counted -> relative weight


AGREEMENT = {
    # by the pair of observers' positions in the demo's list of fieldworkers
    (0, 1): Habits(0.05, 0.05, 0.05, 0.02, 0.03, 0.03, {0: 12, 1: 5, 2: 1}),
    (0, 2): Habits(0.08, 0.10, 0.10, 0.03, 0.05, 0.05, {0: 10, 1: 6, 2: 2, 3: 1}),
    (1, 2): Habits(0.12, 0.10, 0.35, 0.04, 0.05, 0.08, {0: 8, 1: 6, 2: 3, 4: 1}),
}
PAIRS = tuple(AGREEMENT)
# Codes observers confuse: the neighbours of each code.
NEIGHBOURS = {
    "eye_contact": ("greeting",),
    "greeting": ("short_chat", "eye_contact"),
    "short_chat": ("greeting", "conversation"),
    "conversation": ("short_chat",),
    "help": ("short_chat",),
    "joint_activity": ("conversation",),
    "friction": ("eye_contact",),
    "strangers": ("recognised",),
    "recognised": ("acquaintances", "strangers"),
    "acquaintances": ("recognised",),
    "visitor_visitor": ("visitor_staff",),
    "visitor_staff": ("visitor_visitor",),
    "visitor_trader": ("visitor_visitor",),
    "staff_staff": ("visitor_staff",),
}
# How far apart two observers note the same moment (seconds, at most).
TIME_SPREAD = 45
SCAN_SPREAD = 180


def _maybe_neighbour(rng, code: str, chance: float) -> str:
    """The code, or now and then one an observer could mistake it for."""
    if rng.random() >= chance or code not in NEIGHBOURS:
        return code
    return rng.choice(NEIGHBOURS[code])


def _clamp(moment: datetime, start: datetime, end: datetime) -> datetime:
    """The moment, kept within [start, end]."""
    return max(start, min(end, moment))


def _seen_again(rng, row: EncounterRow, habits: Habits, start, end) -> EncounterRow:
    """The partner's record of an encounter the first observer recorded."""
    offset = max(-TIME_SPREAD, min(TIME_SPREAD, rng.gauss(0, 12)))
    flags = [f for f in row.flags if rng.random() >= habits.flag]
    for flag in ("across_ages", "different_company", "via_object"):
        if flag not in row.flags and rng.random() < habits.flag / 10:
            flags.append(flag)
    return EncounterRow(
        row.zone,
        _clamp(row.at + timedelta(seconds=offset), start, end),
        _maybe_neighbour(rng, row.kind, habits.kind),
        _maybe_neighbour(rng, row.parties, habits.parties),
        _maybe_neighbour(rng, row.relation, habits.relation),
        flags,
        "",
    )


def _counted_again(rng, row: ScanRow, visit: Visit, habits: Habits, start, end) -> ScanRow:
    """The partner's scan of the same zone a few minutes apart: counts a person or two off,
    and now and then a person coded differently."""
    at = _clamp(row.at + timedelta(seconds=rng.uniform(-SCAN_SPREAD, SCAN_SPREAD)), start, end)
    people = max(0, row.people + pick(rng, habits.people)[0] * rng.choice((-1, 1)))
    codes = {}
    for category in observing.SCAN_CATEGORIES if people else ():
        mine = list(row.codes.get(category, ()))
        rng.shuffle(mine)
        mine = mine[:people]
        mine += observing.draw(rng, visit, row.zone, category, people - len(mine))
        changed = [i for i in range(people) if rng.random() < habits.recode]
        redrawn = observing.draw(rng, visit, row.zone, category, len(changed))
        for i, code in zip(changed, redrawn, strict=True):
            mine[i] = code
        codes[category] = mine
    return ScanRow(row.zone, at, observing.ticked(rng, visit, row.zone, people), codes)


def partner_records(
    rng, first: Records, visit: Visit, zones, start: datetime, end: datetime, habits: Habits
) -> Records:
    """What the partner records over [start, end) in `zones` (a subset of the first's)."""
    ids = {zone.id for zone in zones}
    inside = (start + timedelta(seconds=TIME_SPREAD), end - timedelta(seconds=TIME_SPREAD))
    shared = [e for e in first.encounters if e.zone.id in ids and inside[0] <= e.at <= inside[1]]
    seen = [
        _seen_again(rng, row, habits, start, end) for row in shared if rng.random() >= habits.missed
    ]
    # What only the partner saw: about as many as the partner missed.
    for _ in range(observing.poisson(rng, habits.missed * len(shared))):
        at = start + (end - start) * rng.random()
        seen.append(observing.encounter(rng, visit, rng.choice(zones), at))
    # Before the first observer started and after they stopped, the partner is on their own.
    seen += observing.encounters(rng, visit, zones, start, max(start, visit.start))
    seen += observing.encounters(rng, visit, zones, min(end, visit.end), end)
    seen.sort(key=lambda row: row.at)
    scans = [
        _counted_again(rng, row, visit, habits, start, end)
        for row in first.scans
        if row.zone.id in ids and start <= row.at <= end
    ]
    notes = observing.notes(rng, visit.spec["kind"], zones, start, end)
    return Records(scans, seen, notes)
