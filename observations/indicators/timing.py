"""When encounters happen: a weekday × hour heat map and a weekly trend, in local time."""

from ..models import Study
from .filters import Filters
from .results import Familiarity, Rate


def heat_map(study: Study, f: Filters) -> dict[tuple[int, int], Rate]:
    """{(ISO weekday 1..7, local hour 0..23): rate}, only the cells with observed hours."""
    return {}


def weekly(study: Study, f: Filters) -> list[tuple[str, Rate, Familiarity]]:
    """(ISO week, rate, familiarity) for each local week with observed hours, in order."""
    return []
