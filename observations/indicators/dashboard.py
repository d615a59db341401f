"""Everything one page shows, computed from one set of aggregates."""

from ..models import Site, Study
from .filters import Filters
from .results import Comparison, Rate, SiteDashboard, Totals


def site_dashboard(study: Study, site: Site, f: Filters) -> SiteDashboard:
    """The site page's figures; the site replaces any sites in the filters."""
    f = f.replace(sites=(site.id,))
    empty = Totals(0, 0.0, 0, Rate(0, 0.0))
    return SiteDashboard(site.id, f, empty, {}, {}, [], {}, {}, {}, {}, [], [])


def comparison(study: Study, f: Filters, level: str = "site") -> Comparison:
    """The cross-site page's figures, places at the level given."""
    empty = Totals(0, 0.0, 0, Rate(0, 0.0))
    return Comparison(level, f, empty, {}, {}, [], {}, {}, {}, {}, [], [], [])
