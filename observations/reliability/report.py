"""The reliability report of a study: agreement of paired observers, overall and per pair.

For every pair of sessions (pairs.py), the records both observers made in the zones they
both watched are matched one-to-one by zone and time (matching.py): encounters within the
encounter tolerance (60 s unless asked), scans within the scan tolerance (5 minutes). A record
without a match counts as unmatched when it lies in the time both observed. Then, pooled over
all session pairs and per observer pair:

- encounters: Cohen's kappa of each coding over the matched pairs: encounter type, parties,
  relation ("not coded" is a category of its own) and each flag (present or absent);
- scans: ICC(2,1), the mean absolute difference and the share within ±10 % of each count
  ("category:code") that occurs in the matched scans, and of the scans' totals.

Plain values in, plain values out; `as_json` gives the contract of `flask reliability --json`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from .. import codebook
from ..extensions import db
from ..models import Site, Study, Zone
from . import records as loaded
from .matching import match
from .pairs import SessionPair, session_pairs
from .records import TOTAL, Coded, Counted
from .stats import DEFAULT_TOLERANCE, Agreement, Icc, cohen_kappa, icc_2_1, is_low, landis_koch

DEFAULT_SECONDS = 60
DEFAULT_SCAN_SECONDS = 300
CODINGS = ("encounter_type", "parties", "relation")
FLAG_PREFIX = "flags:"


@dataclass(frozen=True)
class Options:
    """What the report covers and how records are matched; empty filters mean everything."""

    site_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    tolerance_seconds: int = DEFAULT_SECONDS
    scan_tolerance_seconds: int = DEFAULT_SCAN_SECONDS


@dataclass
class Matched:
    """Matched records of one kind, and how many each observer recorded that found no match."""

    pairs: list[tuple] = field(default_factory=list)
    unmatched_first: int = 0
    unmatched_second: int = 0

    def add(self, other: "Matched") -> None:
        """Pool another set of matches into this one."""
        self.pairs.extend(other.pairs)
        self.unmatched_first += other.unmatched_first
        self.unmatched_second += other.unmatched_second


@dataclass
class Agreements:
    """Agreement of one group of matches: kappa per coding and ICC per count."""

    encounters: Matched
    scans: Matched
    kappas: dict[str, Agreement]
    iccs: dict[str, Icc]


@dataclass
class PairOfSessions:
    """One session pair with its matched encounters and scans."""

    pair: SessionPair
    encounters: Matched
    scans: Matched


@dataclass
class ObserverPair:
    """Every session pair of two observers, and their agreement."""

    first: str  # observer codes
    second: str
    sessions: list[PairOfSessions]
    agreement: Agreements


@dataclass
class Report:
    """The whole report: overall agreement and one entry per observer pair."""

    options: Options
    sessions: list[PairOfSessions]
    overall: Agreements
    observer_pairs: list[ObserverPair]


def zone_names(study: Study) -> dict[int, str]:
    """{zone id: name} of the zones of the study's sites."""
    return dict(
        db.session.execute(
            sa.select(Zone.id, Zone.name).join(Site).where(Site.study_id == study.id)
        ).all()
    )


def site_names(study: Study) -> dict[int, str]:
    """{site id: name} of the study's sites."""
    return dict(
        db.session.execute(sa.select(Site.id, Site.name).filter_by(study_id=study.id)).all()
    )


def _flag_codes(study: Study) -> list[str]:
    """The study's encounter flags that may still be chosen, in codebook order."""
    return [
        code.code
        for category in codebook.categories(study)
        if category.key == "flags"
        for code in category.codes
        if not code.retired
    ]


def _scan_order(study: Study) -> dict[str, int]:
    """{"category:code": position} of the study's scan counts, in codebook order."""
    names = [
        f"{category.key}:{code.code}"
        for category in codebook.categories(study)
        if category.applies_to == "scan"
        for code in category.codes
    ]
    return {name: position for position, name in enumerate(names)}


def kappas(pairs: list[tuple[Coded, Coded]], flag_codes: Iterable[str]) -> dict[str, Agreement]:
    """Cohen's kappa of every coding of matched encounters (flags: present or absent)."""
    used = {code for a, b in pairs for code in a.flags | b.flags}
    flags = list(flag_codes) + sorted(used - set(flag_codes))
    found = {
        coding: cohen_kappa([(getattr(a, coding), getattr(b, coding)) for a, b in pairs])
        for coding in CODINGS
    }
    for code in flags:
        found[FLAG_PREFIX + code] = cohen_kappa(
            [(_present(code, a), _present(code, b)) for a, b in pairs]
        )
    return found


def _present(code: str, encounter: Coded) -> str:
    return "present" if code in encounter.flags else "absent"


def iccs(pairs: list[tuple[Counted, Counted]], order: dict[str, int]) -> dict[str, Icc]:
    """ICC(2,1) of the totals and of every count used in the matched scans."""
    used = {name for a, b in pairs for scan in (a, b) for name, n in scan.counts.items() if n}
    names = [TOTAL, *sorted(used, key=lambda name: (order.get(name, len(order)), name))]
    return {
        name: icc_2_1([(a.value(name), b.value(name)) for a, b in pairs], DEFAULT_TOLERANCE)
        for name in names
    }


def _agreements(
    encounters: Matched, scans: Matched, flag_codes: list[str], order: dict[str, int]
) -> Agreements:
    return Agreements(
        encounters, scans, kappas(encounters.pairs, flag_codes), iccs(scans.pairs, order)
    )


def _matched(first: list, second: list, seconds: int, pair: SessionPair) -> Matched:
    """Match two observers' records near the pair's window; count the unmatched inside it.

    Records up to one tolerance before or after the window may match (observers rarely start
    at the same second), but an unmatched one counts only if it lies in the window, when the
    other observer was there to see it too.
    """
    tolerance = timedelta(seconds=seconds)
    low, high = pair.start - tolerance, pair.end + tolerance

    def near(records):
        return [r for r in records if low <= r.at <= high]

    def inside(records):
        return sum(1 for r in records if pair.start <= r.at <= pair.end)

    found = match(near(first), near(second), tolerance, key=lambda record: record.timed())
    return Matched(found.pairs, inside(found.unmatched_first), inside(found.unmatched_second))


def build(study: Study, options: Options) -> Report:
    """Find the study's paired sessions, match their records and measure the agreement."""
    pairs = session_pairs(study, options.site_id, options.date_from, options.date_to)
    data = loaded.load(s.session_id for pair in pairs for s in (pair.first, pair.second))
    sessions = []
    for pair in pairs:
        first_encounters, first_scans = data.in_zones(pair.first.session_id, pair.zones)
        second_encounters, second_scans = data.in_zones(pair.second.session_id, pair.zones)
        sessions.append(
            PairOfSessions(
                pair,
                _matched(first_encounters, second_encounters, options.tolerance_seconds, pair),
                _matched(first_scans, second_scans, options.scan_tolerance_seconds, pair),
            )
        )
    flag_codes, order = _flag_codes(study), _scan_order(study)

    def pooled(group: list[PairOfSessions]) -> Agreements:
        encounters, scans = Matched(), Matched()
        for item in group:
            encounters.add(item.encounters)
            scans.add(item.scans)
        return _agreements(encounters, scans, flag_codes, order)

    groups: dict[tuple[int, int], list[PairOfSessions]] = {}
    for item in sessions:
        groups.setdefault(item.pair.observers, []).append(item)
    observer_pairs = [
        ObserverPair(
            group[0].pair.first.observer, group[0].pair.second.observer, group, pooled(group)
        )
        for group in groups.values()
    ]
    observer_pairs.sort(key=lambda o: (o.first, o.second))
    return Report(options, sessions, pooled(sessions), observer_pairs)


# JSON ----------------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def kappa_json(agreement: Agreement) -> dict:
    """One coding's kappa as JSON (None as null: the case says why)."""
    return {
        "kappa": _number(agreement.kappa),
        "agreement": _number(agreement.observed),
        "expected": _number(agreement.expected),
        "pairs": agreement.pairs,
        "band": landis_koch(agreement.kappa),
        "low": is_low(agreement.kappa),
        "case": agreement.case,
        "categories": list(agreement.categories),
    }


def icc_json(icc: Icc) -> dict:
    """One count's ICC as JSON."""
    return {
        "icc": _number(icc.icc),
        "mean_abs_diff": _number(icc.mean_abs_diff),
        "share_within": _number(icc.share_within),
        "tolerance": icc.tolerance,
        "pairs": icc.pairs,
        "band": landis_koch(icc.icc),
        "low": is_low(icc.icc),
        "perfect": icc.perfect,
        "case": icc.case,
    }


def _unmatched(matched: Matched) -> dict:
    return {
        "first": matched.unmatched_first,
        "second": matched.unmatched_second,
        "total": matched.unmatched_first + matched.unmatched_second,
    }


def agreements_json(agreements: Agreements, options: Options) -> dict:
    """The "encounters" and "scans" parts of the JSON for one group of matches."""
    total = agreements.iccs[TOTAL]
    return {
        "encounters": {
            "matched": len(agreements.encounters.pairs),
            "unmatched": _unmatched(agreements.encounters),
            "tolerance_seconds": options.tolerance_seconds,
            "categories": {name: kappa_json(a) for name, a in agreements.kappas.items()},
        },
        "scans": {
            "matched": len(agreements.scans.pairs),
            "unmatched": _unmatched(agreements.scans),
            "tolerance_seconds": options.scan_tolerance_seconds,
            "totals_within": _number(total.share_within),
            "categories": {name: icc_json(i) for name, i in agreements.iccs.items()},
        },
    }


def _session_json(item: PairOfSessions, sites: dict[int, str], zones: dict[int, str]) -> dict:
    pair = item.pair
    return {
        "first_session": pair.first.session_id,
        "second_session": pair.second.session_id,
        "site": sites.get(pair.first.site_id),
        "start": pair.start.isoformat(),
        "end": pair.end.isoformat(),
        "zones": sorted(zones.get(z, "–") for z in pair.zones),
        "encounters": {
            "matched": len(item.encounters.pairs),
            "unmatched": _unmatched(item.encounters),
        },
        "scans": {"matched": len(item.scans.pairs), "unmatched": _unmatched(item.scans)},
    }


def as_json(report: Report, study: Study) -> dict:
    """The report as one JSON object: overall "encounters" and "scans", and "pairs"."""
    options = report.options
    sites, zones = site_names(study), zone_names(study)
    return {
        "study": study.slug,
        "filters": {
            "site": sites.get(options.site_id) if options.site_id else None,
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
            "tolerance_seconds": options.tolerance_seconds,
            "scan_tolerance_seconds": options.scan_tolerance_seconds,
        },
        "session_pairs": len(report.sessions),
        **agreements_json(report.overall, options),
        "pairs": [
            {
                "observers": [o.first, o.second],
                "session_pairs": len(o.sessions),
                "sessions": [_session_json(item, sites, zones) for item in o.sessions],
                **agreements_json(o.agreement, options),
            }
            for o in report.observer_pairs
        ],
    }
