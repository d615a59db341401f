"""The encounters and scans of paired sessions, read once as small plain values.

Withdrawn (retracted) records are left out, as everywhere else. A scan's counts are keyed
"category:code" (e.g. "age:25-64"); its total is the number of people counted, the largest
sum over its categories (every person has exactly one age, so the age counts add up to all).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import Encounter, EncounterFlag, Scan, ScanCount
from .matching import Timed

TOTAL = "total"


@dataclass(frozen=True)
class Coded:
    """One encounter as coded: type, parties, relation and flags."""

    id: int
    session_id: int
    zone: int | None
    at: datetime
    encounter_type: str
    parties: str | None
    relation: str | None
    flags: frozenset[str] = frozenset()

    def timed(self) -> Timed:
        """Zone and time, for matching."""
        return Timed(self.zone, self.at, self.id)


@dataclass(frozen=True)
class Counted:
    """One scan: its counts by "category:code" and its total of people."""

    id: int
    session_id: int
    zone: int
    at: datetime
    counts: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def total(self) -> int:
        """The number of people counted: the largest sum over the scan's categories."""
        sums: dict[str, int] = {}
        for name, count in self.counts.items():
            category = name.split(":", 1)[0]
            sums[category] = sums.get(category, 0) + count
        return max(sums.values(), default=0)

    def value(self, name: str) -> int:
        """The count of one "category:code", or the total; 0 if not counted."""
        return self.total if name == TOTAL else self.counts.get(name, 0)

    def timed(self) -> Timed:
        """Zone and time, for matching."""
        return Timed(self.zone, self.at, self.id)


@dataclass
class Records:
    """The live encounters and scans of some sessions, by session id, in time order."""

    encounters: dict[int, list[Coded]]
    scans: dict[int, list[Counted]]

    def in_zones(self, session_id: int, zones: frozenset[int]) -> tuple[list, list]:
        """One session's encounters and scans in the given zones (encounters: or no zone)."""
        encounters = [
            e for e in self.encounters.get(session_id, []) if e.zone is None or e.zone in zones
        ]
        scans = [s for s in self.scans.get(session_id, []) if s.zone in zones]
        return encounters, scans


def load(session_ids: Iterable[int]) -> Records:
    """Read the live encounters (with flags) and scans (with counts) of the sessions."""
    ids = sorted(set(session_ids))
    if not ids:
        return Records({}, {})
    flags: dict[int, set[str]] = {}
    for encounter_id, code in db.session.execute(
        sa.select(EncounterFlag.encounter_id, EncounterFlag.code)
        .join(Encounter, Encounter.id == EncounterFlag.encounter_id)
        .where(Encounter.session_id.in_(ids), Encounter.retracted.is_(False))
    ):
        flags.setdefault(encounter_id, set()).add(code)
    encounters: dict[int, list[Coded]] = {}
    for row in db.session.execute(
        sa.select(
            Encounter.id,
            Encounter.session_id,
            Encounter.zone_id,
            Encounter.occurred_at,
            Encounter.encounter_type,
            Encounter.parties,
            Encounter.relation,
        )
        .where(Encounter.session_id.in_(ids), Encounter.retracted.is_(False))
        .order_by(Encounter.occurred_at, Encounter.id)
    ):
        encounters.setdefault(row.session_id, []).append(
            Coded(*row, flags=frozenset(flags.get(row.id, ())))
        )
    counts: dict[int, dict[str, int]] = {}
    for scan_id, category, code, count in db.session.execute(
        sa.select(ScanCount.scan_id, ScanCount.category, ScanCount.code, ScanCount.count)
        .join(Scan, Scan.id == ScanCount.scan_id)
        .where(Scan.session_id.in_(ids), Scan.retracted.is_(False))
    ):
        counts.setdefault(scan_id, {})[f"{category}:{code}"] = count
    scans: dict[int, list[Counted]] = {}
    for row in db.session.execute(
        sa.select(Scan.id, Scan.session_id, Scan.zone_id, Scan.observed_at)
        .where(Scan.session_id.in_(ids), Scan.retracted.is_(False))
        .order_by(Scan.observed_at, Scan.id)
    ):
        scans.setdefault(row.session_id, []).append(Counted(*row, counts=counts.get(row.id, {})))
    return Records(encounters, scans)
