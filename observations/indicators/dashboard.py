"""Everything one page shows, computed from one set of tallies (three SQL statements)."""

from ..models import Site, Study
from .conditions import conditions_of
from .familiarity import familiarity_of
from .filters import Filters
from .places import LEVELS, by_place_of, current_profiles
from .rates import encounter_rates_of, totals_of
from .results import Comparison, SiteDashboard
from .tallies import Tallies
from .timing import heat_map_of, weekly_of
from .visitors import CATEGORIES, WINDOWS, mixing_of, visitor_mix_of


def _common(t: Tallies) -> dict:
    """The figures both pages show."""
    return {
        "totals": totals_of(t),
        "rates_by_type": encounter_rates_of(t, "encounter_type"),
        "rates_by_intensity": encounter_rates_of(t, "intensity"),
        "rates_by_parties": encounter_rates_of(t, "parties"),
        "rates_by_relation": encounter_rates_of(t, "relation"),
        "familiarity_weekly": familiarity_of(t, "week"),
        "mix": {category: visitor_mix_of(t, category) for category in CATEGORIES},
        "mix_by_window": {
            category: {w: visitor_mix_of(t, category, window=w) for w in WINDOWS}
            for category in CATEGORIES
        },
        "mixing": mixing_of(t),
        "heat_map": heat_map_of(t),
        "weekly": weekly_of(t),
        "conditions": conditions_of(t),
    }


def site_dashboard(study: Study, site: Site, f: Filters) -> SiteDashboard:
    """The site page's figures; the site replaces any sites in the filters.

    `mix_by_window` is {category: {window: Shares}}; `profile` the site's current profile.
    """
    f = f.replace(sites=(site.id,))
    t = Tallies.of(study, f)
    profile = current_profiles(t).get(site.id)
    return SiteDashboard(site_id=site.id, filters=f, profile=profile, **_common(t))


def comparison(study: Study, f: Filters, level: str = "site") -> Comparison:
    """The cross-site page's figures, places at the level given (see places.py)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    t = Tallies.of(study, f)
    return Comparison(
        level=level,
        filters=f,
        places=by_place_of(t, level),
        familiarity_by_site=familiarity_of(t, "site"),
        **_common(t),
    )
