"""Sessions, observed hours and encounters per observed hour, by type, intensity and coding.

Every rate of a category has all observed hours within the filters as its denominator, so
that the rates of a category add up to the overall rate.
"""

from collections import Counter

from ..models import Study
from .filters import Filters
from .results import Rate, Totals
from .tallies import RELATIONS, Tallies

# Encounter types grouped by intensity (DESIGN.md's range of contact, least to most intense).
INTENSITY = {
    "eye_contact": "fleeting",
    "greeting": "fleeting",
    "short_chat": "brief",
    "help": "brief",
    "conversation": "sustained",
    "joint_activity": "sustained",
    "friction": "friction",
}
INTENSITIES = ("fleeting", "brief", "sustained", "friction")
BY = ("encounter_type", "intensity", "parties", "relation")
UNKNOWN = "unknown"


def _in(sites, site_id) -> bool:
    """Whether a site counts: `sites` None means every site."""
    return sites is None or site_id in sites


def hours_of(t: Tallies, sites=None) -> float:
    """Observed hours within the filters (at some sites)."""
    return sum(seconds for site, (seconds, _) in t.by_site.items() if _in(sites, site)) / 3600


def encounter_sums(t: Tallies, sites=None) -> tuple[int, ...]:
    """(encounters, strangers, recognised, acquaintances, across ages, different company)."""
    total = [0] * 6
    for site, (_seconds, sums) in t.by_site.items():
        if _in(sites, site):
            total = [a + b for a, b in zip(total, sums, strict=True)]
    return tuple(total)


def totals_of(t: Tallies, sites=None) -> Totals:
    """Sessions with observed time within the filters, their hours and encounters."""
    sessions = sum(n for site, n in t.time["sessions"].items() if _in(sites, site))
    hours = hours_of(t, sites)
    encounters = encounter_sums(t, sites)[0]
    return Totals(sessions, hours, encounters, Rate(encounters, hours))


def ordered(codes: list[str], counts: Counter) -> dict[str, int]:
    """Counts over the codebook's codes in order, then codes seen but not in it, "unknown" last."""
    result = {code: counts.get(code, 0) for code in codes}
    for code, n in counts.items():
        if code not in result and code is not None and code != UNKNOWN:
            result[code] = n
    unknown = counts.get(None, 0) + counts.get(UNKNOWN, 0)
    if unknown or UNKNOWN in codes:
        result[UNKNOWN] = unknown
    return result


def encounter_counts(t: Tallies, by: str, sites=None) -> dict[str, int]:
    """Encounters per code of `by` (see `encounter_rates`)."""
    if by == "relation":
        sums = encounter_sums(t, sites)
        counts = Counter(dict(zip(RELATIONS, sums[1:4], strict=True)))
        counts[None] = sums[0] - sum(sums[1:4])
        return ordered(t.codes.get("relation", list(RELATIONS)), counts)
    counts = Counter()
    category = "parties" if by == "parties" else "encounter_type"
    for (site, of, code), n in t.kinds.items():
        if of == category and _in(sites, site):
            counts[code] += n
    if by == "intensity":
        grouped = Counter()
        for kind, n in counts.items():
            grouped[INTENSITY.get(kind, "other")] += n
        result = {level: grouped.get(level, 0) for level in INTENSITIES}
        return result | ({"other": grouped["other"]} if grouped.get("other") else {})
    if by not in BY:
        raise ValueError(f"unknown breakdown {by!r}")
    return ordered(t.codes.get(by, []), counts)


def encounter_rates_of(t: Tallies, by: str, sites=None) -> dict[str, Rate]:
    """Rates per code of `by`, all with the same observed hours."""
    hours = hours_of(t, sites)
    return {code: Rate(n, hours) for code, n in encounter_counts(t, by, sites).items()}


def totals(study: Study, f: Filters) -> Totals:
    """Sessions, observed hours and encounters within the filters.

    `sessions` counts the sessions in scope with observed time inside the filters' dates,
    days and time window.
    """
    return totals_of(Tallies.of(study, f))


def encounter_rates(study: Study, f: Filters, by: str) -> dict[str, Rate]:
    """Encounters per observed hour for every code of `by`, in codebook order.

    `by` is "encounter_type", "intensity" (INTENSITIES, plus "other" for types outside
    INTENSITY when any occur), "parties" or "relation". Codes never seen are included with 0
    encounters; codes seen but no longer in the codebook follow; "unknown" (parties or
    relation not coded) comes last when any encounter lacks that coding.
    """
    if by not in BY:
        raise ValueError(f"unknown breakdown {by!r}")
    return encounter_rates_of(Tallies.of(study, f), by)
