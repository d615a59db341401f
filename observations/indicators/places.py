"""The headline figures per site, neighbourhood (wijk) or city, side by side."""

from ..models import Study
from .filters import Filters
from .results import PlaceRow

LEVELS = ("site", "neighbourhood", "city")


def by_place(study: Study, f: Filters, level: str = "site") -> list[PlaceRow]:
    """One row per site (study order), neighbourhood or city (by name) within the filters."""
    return []
