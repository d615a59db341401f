"""Indicators for the dashboards: plain functions over SQL aggregates, returning plain values.

No request, no translation inside: codes in, codes out. See INDICATORS.md (issue 11) for the
contract; every name below is importable from `observations.indicators`.
"""

from .conditions import conditions
from .dashboard import comparison, site_dashboard
from .familiarity import familiarity
from .filters import DAYS, DEFAULT_REVIEW, FilterError, Filters
from .overview import observed_hours, recent_sessions, site_overview
from .places import LEVELS, by_place
from .rates import INTENSITIES, INTENSITY, encounter_rates, totals
from .results import (
    THIN_HOURS,
    Comparison,
    ConditionRow,
    Familiarity,
    Mixing,
    PlaceRow,
    Rate,
    Shares,
    SiteDashboard,
    Totals,
)
from .staying import Staying, site_staying, staying_ratios
from .timing import heat_map, weekly
from .visitors import CATEGORIES, WINDOWS, mixing, visitor_mix, visitor_mix_by_window

__all__ = [
    "CATEGORIES",
    "DAYS",
    "DEFAULT_REVIEW",
    "INTENSITIES",
    "INTENSITY",
    "LEVELS",
    "THIN_HOURS",
    "WINDOWS",
    "Comparison",
    "ConditionRow",
    "Familiarity",
    "FilterError",
    "Filters",
    "Mixing",
    "PlaceRow",
    "Rate",
    "Shares",
    "SiteDashboard",
    "Staying",
    "Totals",
    "by_place",
    "comparison",
    "conditions",
    "encounter_rates",
    "familiarity",
    "heat_map",
    "mixing",
    "observed_hours",
    "recent_sessions",
    "site_dashboard",
    "site_overview",
    "site_staying",
    "staying_ratios",
    "totals",
    "visitor_mix",
    "visitor_mix_by_window",
    "weekly",
]
