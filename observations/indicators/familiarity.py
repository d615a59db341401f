"""Publieke familiariteit: encounters between recognised faces and acquaintances vs strangers."""

from ..models import Study
from .filters import Filters
from .results import Familiarity

PER = ("week", "site")


def familiarity(study: Study, f: Filters, per: str = "week") -> list[Familiarity]:
    """Encounters by relation per ISO week (in order) or per site (in the study's site order).

    Weeks are local ISO weeks ("2026-W40"); only weeks with observed hours or encounters are
    listed. `hours` is the observed hours of that week or site.
    """
    return []
