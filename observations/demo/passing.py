"""People-moving counts for the demo: the passers-by at each site's counting line.

In every session that watches a site's counting line, its observer (not the second of a
pair) counts the people passing for ten minutes every half hour, from a quarter past the
start, between the scan rounds. How many pass follows the zone's ordinary rate (places.py)
and how busy the zone was in that session's scans, so the staying ratio varies as a real
one would. Gender, age band and group size are noted in most counts, not all.

Drawn from a generator of its own, after everything else: the demo's other records stay
exactly as they were before the counts existed.
"""

from datetime import datetime, timedelta

from ..extensions import db
from ..models import PasserCount, PasserTally
from .observing import pick, poisson
from .places import DEFAULT_WEIGHTS
from .storing import new_uuid

COUNT_MINUTES = 10
FIRST_COUNT = timedelta(minutes=15)
EVERY = timedelta(minutes=30)
# How often a count notes each optional category, and the share of people it then notes.
NOTED = {"gender": 0.85, "age": 0.75, "group": 0.6}
UNKNOWN_AGE = 1  # relative weight of "unknown" among a zone's age bands


def _busy(records, zone, spec: dict) -> float:
    """How busy the zone was in the session's scans, against an ordinary moment (0.2–3)."""
    seen = [row.people for row in records.scans if row.zone is zone]
    if not seen:
        return 1.0
    return min(3.0, max(0.2, sum(seen) / len(seen) / spec["people"]))


def _breakdown(rng, weights: dict, people: int) -> dict[str, int]:
    """{code: people} for most of the people, drawn with the weights."""
    noted = people if rng.random() < 0.7 else round(people * rng.uniform(0.85, 1.0))
    found: dict[str, int] = {}
    for code in pick(rng, weights, noted) if noted else []:
        found[code] = found.get(code, 0) + 1
    return found


def _tallies(rng, spec: dict, people: int) -> dict[str, dict[str, int]]:
    """A count's people by mode, and (mostly) by gender, age band and group size."""
    counts = {"mode": {}}
    for code in pick(rng, spec["passers"]["mode"], people) if people else []:
        counts["mode"][code] = counts["mode"].get(code, 0) + 1
    weights = {
        "gender": DEFAULT_WEIGHTS["gender"],
        "age": {**spec["age"], "unknown": UNKNOWN_AGE},
        "group": DEFAULT_WEIGHTS["company"],
    }
    for category, chance in NOTED.items():
        if rng.random() < chance:
            counts[category] = _breakdown(rng, weights[category], people)
    return counts


def _counts_of(rng, observed, spec: dict, zone, until: datetime) -> list[tuple]:
    """(start, tallies) of the counts in one session at its counting line."""
    session = observed.session
    rate = spec["passers"]["per_hour"] * (0.4 + 0.6 * _busy(observed.records, zone, spec))
    found = []
    start = session.started_at + FIRST_COUNT
    while start + timedelta(minutes=COUNT_MINUTES) <= until:
        mean = rate * rng.uniform(0.85, 1.15) * COUNT_MINUTES / 60
        found.append((start, _tallies(rng, spec, poisson(rng, mean))))
        start += EVERY
    return found


def store_counts(rng, study_id: int, places, observed: list, now: datetime) -> None:
    """Count the passers-by in the sessions that watch a counting line, and store them."""
    lines = {
        site.id: (zone, spec["zones"][zone.position])
        for spec, site in places
        for zone in site.zones
        if zone.counting_line
    }
    counts, tallies = [], []
    for item in observed:
        session = item.session
        slot = session.slot
        if session.site_id not in lines or (slot and session.fieldworker is slot.partner):
            continue
        zone, spec = lines[session.site_id]
        if zone not in session.zones:
            continue
        until = session.ended_at or now
        for start, counted in _counts_of(rng, item, spec, zone, until):
            counts.append(
                PasserCount(
                    uuid=new_uuid(rng),
                    study_id=study_id,
                    session_id=session.id,
                    zone_id=zone.id,
                    started_at=start,
                    minutes=COUNT_MINUTES,
                    device_time=start,
                    received_at=session.received_at,
                )
            )
            tallies.append(counted)
    if not counts:
        return
    db.session.add_all(counts)
    db.session.flush()
    rows = [
        {"passer_count_id": count.id, "category": category, "code": code, "count": n}
        for count, counted in zip(counts, tallies, strict=True)
        for category, per_code in counted.items()
        for code, n in per_code.items()
        if n
    ]
    if rows:
        db.session.execute(PasserTally.__table__.insert(), rows)
