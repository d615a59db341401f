"""Who is present (visitor mix from scans) and whether encounters cross groups (mixing).

The visitor mix counts people in scans: the sum of a category's counts over the scans within
the filters (a person seen in two scans counts twice, as in SOPARC person-scans).
Windows by local hour of the scan: "morning" (< 12), "afternoon" (12–17), "evening" (>= 17).

Mixing on a dimension sets the share of encounters with its flag (across ages, different
company) against the corrected Blau index of the people present on that dimension. "unknown"
(perceived age not told) is left out of that Blau index: it is no group one can mix with.
"""

from collections import Counter

from ..models import Study
from .filters import Filters
from .rates import encounter_sums
from .results import Mixing, Shares, blau_corrected
from .tallies import MIX_CATEGORIES, Tallies

CATEGORIES = MIX_CATEGORIES
WINDOWS = ("morning", "afternoon", "evening")
# Per dimension: the flag that marks an encounter as crossing groups, its place in the
# encounter sums, and the scan category of those groups.
DIMENSIONS = {"age": ("across_ages", 4, "age"), "company": ("different_company", 5, "company")}


def window_of(hour: int) -> str:
    """The time window a local hour falls in."""
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def mix_counts(t: Tallies, category: str, sites=None, window=None) -> Counter:
    """People counted per code of a category."""
    counts = Counter()
    for (site, w, cat, code), n in t.mix.items():
        if cat == category and (sites is None or site in sites) and window in (None, w):
            counts[code] += n
    return counts


def visitor_mix_of(t: Tallies, category: str, sites=None, window=None) -> Shares:
    """The composition of one category from the tallies."""
    return Shares.of(t.codes.get(category, []), mix_counts(t, category, sites, window))


def mixing_of(t: Tallies, sites=None) -> dict[str, Mixing]:
    """Mixing on both dimensions from the tallies."""
    sums = encounter_sums(t, sites)
    result = {}
    for dimension, (_flag, slot, category) in DIMENSIONS.items():
        counts = mix_counts(t, category, sites)
        counts.pop("unknown", None)
        result[dimension] = Mixing.of(dimension, sums[0], sums[slot], blau_corrected(counts))
    return result


def visitor_mix(study: Study, f: Filters, category: str) -> Shares:
    """The composition of the people counted in scans for one category, with its diversity."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    return visitor_mix_of(Tallies.of(study, f), category)


def visitor_mix_by_window(study: Study, f: Filters, category: str) -> dict[str, Shares]:
    """The visitor mix per time window (all three windows, empty ones with total 0)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    t = Tallies.of(study, f)
    return {window: visitor_mix_of(t, category, window=window) for window in WINDOWS}


def mixing(study: Study, f: Filters) -> dict[str, Mixing]:
    """Cross-group encounters by age and by company, set against the visitor mix's Blau."""
    return mixing_of(Tallies.of(study, f))
