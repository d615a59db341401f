"""What one observer records during one demo session: scans, encounters and notes, as rows.

`Visit` holds what is true at the site during the session (how busy, what is on, which zone
conditions hold, how far the weeks of fieldwork have come); `observe` draws the records an
observer makes of it. Rows are plain objects: fieldwork.py writes them with bulk inserts.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from ..codebook import default_codebook
from ..models import Site, Zone
from .patterns import (
    AGE_BY_WINDOW,
    CONDITION_EFFECT,
    MOVABLE_SEATS_OUT,
    PROGRAMME_PEOPLE,
    Pattern,
    window_of_hour,
)
from .places import DEFAULT_WEIGHTS, ENCOUNTER_NOTES, ENCOUNTER_TYPES, FIELD_NOTES, PARTIES

SCAN_CATEGORIES = ("age", "gender", "company", "role", "regular", "posture", "activity")
# Conditions that only hold while someone is there to hold them.
PEOPLE_CONDITIONS = ("staff_hosting", "organised_activity")


@dataclass
class ScanRow:
    """One scan: its zone, time, conditions and one code per person per category."""

    zone: Zone
    at: datetime
    conditions: list[str]
    codes: dict[str, list[str]]

    @property
    def people(self) -> int:
        """How many people the scan counted."""
        return len(self.codes.get("age", ()))


@dataclass
class EncounterRow:
    """One encounter as recorded."""

    zone: Zone
    at: datetime
    kind: str
    parties: str
    relation: str
    flags: list[str]
    note: str = ""


@dataclass
class NoteRow:
    """One field note."""

    zone: Zone | None
    at: datetime
    text: str


@dataclass
class Records:
    """Everything recorded in one session."""

    scans: list[ScanRow] = field(default_factory=list)
    encounters: list[EncounterRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)

    def times(self) -> list[datetime]:
        """The time of every record."""
        return [
            *(s.at for s in self.scans),
            *(e.at for e in self.encounters),
            *(n.at for n in self.notes),
        ]


@dataclass
class Visit:
    """What holds at a site during a session, whoever observes it."""

    spec: dict
    pattern: Pattern
    site: Site
    zones: list[Zone]
    start: datetime
    end: datetime
    hour: int
    factor: float  # people and encounters against an ordinary moment
    programme: str
    progress: float  # 0 at the first past day, 1 at today
    conditions: dict[int, list[str]]  # zone id -> conditions that hold this session

    def zone_spec(self, zone: Zone) -> dict:
        """The places.py profile of one of the site's zones."""
        return self.spec["zones"][zone.position]

    def effect(self, zone: Zone) -> float:
        """What the zone's conditions do to its encounter rate."""
        return math.prod(CONDITION_EFFECT.get(c, 1.0) for c in self.conditions[zone.id])


def poisson(rng, lam: float) -> int:
    """Draw from a Poisson distribution (Knuth for small means, normal beyond)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while p > limit:
        k += 1
        p *= rng.random()
    return k - 1


def pick(rng, weights: dict, k: int = 1) -> list:
    """Draw k keys with the given relative weights."""
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


@cache
def codes_of(category: str) -> tuple[str, ...]:
    """The codes of a category of the default codebook."""
    item = next(c for c in default_codebook()["categories"] if c["key"] == category)
    return tuple(c["code"] for c in item["codes"])


def zone_conditions(rng, spec, pattern: Pattern, zones, programme: str) -> dict[int, list[str]]:
    """Which of each zone's conditions hold this session: chairs out, a host, a programme."""
    held = {}
    for zone in zones:
        offered = spec["zones"][zone.position]["conditions"]
        conditions = [c for c in offered if c not in ("staff_hosting", "movable_seats")]
        if "movable_seats" in offered and rng.random() < MOVABLE_SEATS_OUT:
            conditions.append("movable_seats")
        if "staff_hosting" in offered and rng.random() < pattern.hosting:
            conditions.append("staff_hosting")
        if programme != "none" and zone.name == pattern.programme_zone:
            conditions.append("organised_activity")
        held[zone.id] = conditions
    return held


def visit_factor(rng, pattern: Pattern, hour: int, weekend: bool, outdoor: float, programme):
    """How busy the site is against an ordinary moment: hour, weekend, weather, programme."""
    factor = pattern.hours.get(hour, 1.0) * (pattern.weekend if weekend else 1.0) * outdoor
    if programme != "none":
        factor *= PROGRAMME_PEOPLE
    # Some days are simply busier than others.
    return factor * rng.lognormvariate(0, 0.1)


def _weights(visit: Visit, zone: Zone, category: str, conditions: list[str]) -> dict:
    """Weights over every code of a category in a zone at this moment."""
    zone_spec = visit.zone_spec(zone)
    if category == "regular":
        profile = dict(visit.pattern.regulars or DEFAULT_WEIGHTS["regular"])
        profile["regular"] = visit.pattern.regular_weight(visit.progress)
    else:
        profile = dict(zone_spec.get(category) or DEFAULT_WEIGHTS.get(category, {}))
    if category == "age":
        for code, times in AGE_BY_WINDOW[window_of_hour(visit.hour)].items():
            if code in profile:
                profile[code] *= times
    elif category == "role" and "staff_hosting" in conditions:
        profile["staff"] = profile.get("staff", 0.3) + 1.5
    elif category == "activity" and "organised_activity" in conditions:
        profile["programme"] = profile.get("programme", 0.3) + 4
    return {code: profile.get(code, 0.3) for code in codes_of(category)}


def draw(rng, visit: Visit, zone: Zone, category: str, k: int) -> list[str]:
    """The codes of k people in a category, as they come in this zone at this moment."""
    return pick(rng, _weights(visit, zone, category, visit.conditions[zone.id]), k) if k else []


def ticked(rng, visit: Visit, zone: Zone, people: int) -> list[str]:
    """The conditions an observer ticks: now and then one is left out; nobody there means
    nobody hosting and the zone marked empty."""
    held = [c for c in visit.conditions[zone.id] if rng.random() < 0.95]
    if people == 0:
        held = [c for c in held if c not in PEOPLE_CONDITIONS] + ["empty"]
    return held


def scan(rng, visit: Visit, zone: Zone, at: datetime) -> ScanRow:
    """A scan of a zone: who is there, by every category, and the conditions ticked."""
    busy = 1.3 if "organised_activity" in visit.conditions[zone.id] else 1.0
    mean = visit.zone_spec(zone)["people"] * visit.factor * busy * rng.uniform(0.75, 1.25)
    people = poisson(rng, mean)
    codes = {c: draw(rng, visit, zone, c, people) for c in SCAN_CATEGORIES} if people else {}
    return ScanRow(zone, at, ticked(rng, visit, zone, people), codes)


def scans(rng, visit: Visit, zones, start: datetime, end: datetime) -> list[ScanRow]:
    """A scan of every zone every half hour."""
    minutes = (end - start).total_seconds() / 60
    rows = []
    for round_no in range(max(1, int(minutes // 30))):
        for position, zone in enumerate(zones):
            at = start + timedelta(minutes=5 + 30 * round_no + 3 * position)
            rows.append(scan(rng, visit, zone, at))
    return rows


# How often each type of encounter is between familiar faces at an average place, and how
# many of those familiar faces know each other (acquaintances rather than recognised faces).
FAMILIAR = {
    "eye_contact": (0.4, 0.25),
    "greeting": (0.6, 0.35),
    "short_chat": (0.6, 0.35),
    "conversation": (0.8, 0.6),
    "help": (0.4, 0.25),
    "joint_activity": (0.8, 0.6),
    "friction": (0.4, 0.25),
}
# The familiar share of that average mix of types (FAMILIAR against ENCOUNTER_TYPES).
AVERAGE_FAMILIAR = 0.55


def relation_weights(kind: str, parties: str, familiar: float) -> dict:
    """Strangers nod; acquaintances talk; traders know their regulars; and the site's
    familiar share of the moment shifts them all."""
    share, known = FAMILIAR[kind]
    share += familiar - AVERAGE_FAMILIAR + (0.15 if parties == "visitor_trader" else 0)
    share = min(0.97, max(0.03, share))
    return {
        "strangers": 1 - share,
        "recognised": share * (1 - known),
        "acquaintances": share * known,
    }


def encounter(rng, visit: Visit, zone: Zone, at: datetime) -> EncounterRow:
    """One encounter with its codes drawn from the site's pattern."""
    pattern = visit.pattern
    kind = pick(rng, ENCOUNTER_TYPES)[0]
    parties = pick(rng, PARTIES[visit.spec["kind"]])[0]
    relation = pick(rng, relation_weights(kind, parties, pattern.familiar(visit.progress)))[0]
    chances = {
        "across_ages": pattern.across_ages,
        "different_company": pattern.different_company[relation != "strangers"],
        "via_object": pattern.via_object,
    }
    flags = [flag for flag, p in chances.items() if rng.random() < p]
    note = rng.choice(ENCOUNTER_NOTES) if rng.random() < 0.15 else ""
    return EncounterRow(zone, at, kind, parties, relation, flags, note)


def encounters(rng, visit: Visit, zones, start: datetime, end: datetime) -> list[EncounterRow]:
    """Encounters in the zones over [start, end), most of them light: a nod, a greeting."""
    seconds = (end - start).total_seconds()
    if seconds <= 0:
        return []
    people = sum(visit.zone_spec(z)["people"] for z in visit.zones)
    rows = []
    for zone in zones:
        share = visit.zone_spec(zone)["people"] / people
        mean = visit.pattern.rate * seconds / 3600 * visit.factor * share * visit.effect(zone)
        for _ in range(poisson(rng, mean)):
            at = start + timedelta(seconds=rng.uniform(0, seconds))
            rows.append(encounter(rng, visit, zone, at))
    rows.sort(key=lambda row: row.at)
    return rows


def notes(rng, kind: str, zones, start: datetime, end: datetime) -> list[NoteRow]:
    """One or two field notes about the place."""
    rows = []
    for text in rng.sample(FIELD_NOTES[kind], rng.choice((1, 1, 2))):
        at = start + (end - start) * rng.random()
        rows.append(NoteRow(rng.choice(zones) if rng.random() < 0.6 else None, at, text))
    return rows


def observe(rng, visit: Visit, zones, start: datetime, end: datetime) -> Records:
    """Everything one observer records of the visit in the given zones and time."""
    return Records(
        scans(rng, visit, zones, start, end),
        encounters(rng, visit, zones, start, end),
        notes(rng, visit.spec["kind"], zones, start, end),
    )


def crowding(records: Records, visit: Visit) -> str:
    """Crowding as the fieldworker would judge it from how full the place is at first."""
    first = {}
    for row in records.scans:
        first.setdefault(row.zone.id, row.people)
    expected = sum(visit.zone_spec(z)["people"] for z in visit.zones if z.id in first)
    ratio = sum(first.values()) / max(expected, 1)
    for limit, code in ((0.05, "empty"), (0.6, "quiet"), (0.95, "moderate"), (1.3, "busy")):
        if ratio < limit:
            return code
    return "crowded"


def counted(row: ScanRow) -> list[tuple[str, str, int]]:
    """A scan's counts in long format: (category, code, count), no zeros."""
    return [
        (category, code, n)
        for category, codes in row.codes.items()
        for code, n in sorted(Counter(codes).items())
    ]
