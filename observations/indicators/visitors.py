"""Who is present (visitor mix from scans) and whether encounters cross groups (mixing).

The visitor mix counts people in scans: the sum of a category's counts over the scans within
the filters (a person seen in two scans counts twice, as in SOPARC person-scans).
Windows by local hour of the scan: "morning" (< 12), "afternoon" (12–17), "evening" (>= 17).
"""

from ..models import Study
from .filters import Filters
from .results import Mixing, Shares

CATEGORIES = ("age", "gender", "company", "role", "regular")
WINDOWS = ("morning", "afternoon", "evening")
# The flag that marks an encounter as crossing groups, and the scan category of those groups.
DIMENSIONS = {"age": ("across_ages", "age"), "company": ("different_company", "company")}


def window_of(hour: int) -> str:
    """The time window a local hour falls in."""
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def visitor_mix(study: Study, f: Filters, category: str) -> Shares:
    """The composition of the people counted in scans for one category, with its diversity."""
    return Shares.of((), {})


def visitor_mix_by_window(study: Study, f: Filters, category: str) -> dict[str, Shares]:
    """The visitor mix per time window (all three windows, empty ones with total 0)."""
    return {w: Shares.of((), {}) for w in WINDOWS}


def mixing(study: Study, f: Filters) -> dict[str, Mixing]:
    """Cross-group encounters by age and by company, set against the visitor mix's Blau."""
    return {d: Mixing.of(d, 0, 0, None) for d in DIMENSIONS}
