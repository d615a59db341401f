"""A session's whole record for the lead's session page, as plain values.

Codes come with their codebook labels in the language in force; scans are grouped per zone
(one small table per zone, one row per scan with each category's counts); encounters and
notes keep their time order. Records withdrawn on the phone (retracted) are left out and
counted. Which records a lead or coordinator corrected is read from the corrections.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import codebook
from ..extensions import db
from ..models import Membership, Scan, Session, Study, Zone

SCAN_SKIP = ("conditions",)


@dataclass
class ScanRow:
    """One scan: when, how many people, and per category the codes counted."""

    scan: Scan
    people: int
    # {category key: [(code label, count)]}
    breakdown: dict[str, list[tuple[str, int]]]
    conditions: list[str]


@dataclass
class ZoneScans:
    """The scans of one zone, oldest first."""

    zone: Zone
    rows: list[ScanRow] = field(default_factory=list)


@dataclass
class Sheet:
    """What the session page shows besides the session itself."""

    labels: dict[tuple[str, str], str]
    category_labels: dict[str, str]
    scan_categories: list[str]
    zones: list[ZoneScans]
    encounters: list
    notes: list
    withdrawn: int
    edited: set[tuple[str, str]]
    roles: dict[int, str]

    def label(self, category: str, code: str | None) -> str:
        """A code's label in the language in force (the code itself if the codebook lacks it)."""
        if code is None:
            return "–"
        return self.labels.get((category, code), code)

    def labels_of(self, category: str, codes) -> str:
        """Several codes' labels, comma separated."""
        return ", ".join(self.label(category, c) for c in codes) or "–"


def _labels(study: Study) -> tuple[dict, dict, list[str]]:
    """{(category, code): label}, {category: label} and the scan count categories, in order."""
    locale = str(get_locale())
    labels, category_labels, scan_categories = {}, {}, []
    for category in codebook.categories(study):
        category_labels[category.key] = category.label_en if locale == "en" else category.label_nl
        if category.applies_to == "scan" and category.key not in SCAN_SKIP:
            scan_categories.append(category.key)
        for code in category.codes:
            labels[(category.key, code.code)] = code.label(locale)
    return labels, category_labels, scan_categories


def _people(counts: dict[str, dict[str, int]], categories: list[str]) -> int:
    """People counted in a scan: the largest total over its categories (each counts all once)."""
    return max((sum(counts.get(c, {}).values()) for c in categories), default=0)


def _scan_row(scan: Scan, categories: list[str], labels: dict) -> ScanRow:
    """A scan's row: its counts per category with the codes' labels."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for count in scan.counts:
        counts[count.category][count.code] = count.count
    breakdown = {
        c: [(labels.get((c, code), code), n) for code, n in counts[c].items() if n]
        for c in categories
        if counts.get(c)
    }
    conditions = [labels.get(("conditions", c), c) for c in scan.conditions]
    return ScanRow(scan, _people(counts, categories), breakdown, conditions)


def _roles(study: Study, user_ids: set[int]) -> dict[int, str]:
    """Each user's role in the study (admins without one: "admin")."""
    roles = {
        m.user_id: m.role
        for m in db.session.scalars(
            select(Membership).where(
                Membership.study_id == study.id, Membership.user_id.in_(user_ids)
            )
        )
    }
    return {uid: roles.get(uid, "admin") for uid in user_ids}


def sheet(session: Session) -> Sheet:
    """Everything the session page shows of the session's records."""
    study = session.study
    labels, category_labels, categories = _labels(study)
    scans = db.session.scalars(
        select(Scan)
        .where(Scan.session_id == session.id)
        .options(selectinload(Scan.counts), selectinload(Scan.condition_rows))
        .order_by(Scan.observed_at, Scan.id)
    ).all()
    by_zone: dict[int, ZoneScans] = {z.id: ZoneScans(z) for z in session.zones}
    withdrawn = 0
    for scan in scans:
        if scan.retracted:
            withdrawn += 1
            continue
        group = by_zone.setdefault(scan.zone_id, ZoneScans(scan.zone))
        group.rows.append(_scan_row(scan, categories, labels))
    encounters = [e for e in session.encounters if not e.retracted]
    notes = [n for n in session.notes if not n.retracted]
    withdrawn += len(session.encounters) - len(encounters) + len(session.notes) - len(notes)
    people = {r.reviewer_id for r in session.reviews} | {c.actor_id for c in session.corrections}
    return Sheet(
        labels=labels,
        category_labels=category_labels,
        scan_categories=categories,
        zones=[z for z in by_zone.values() if z.rows or z.zone in session.zones],
        encounters=encounters,
        notes=notes,
        withdrawn=withdrawn,
        edited={(c.record_kind, c.record_uuid) for c in session.corrections},
        roles=_roles(study, people) if people else {},
    )


def observer_code(session: Session) -> str | None:
    """The fieldworker's pseudonymous observer code in the session's study."""
    return db.session.scalar(
        select(Membership.observer_code).filter_by(
            study_id=session.study_id, user_id=session.fieldworker_id
        )
    )
