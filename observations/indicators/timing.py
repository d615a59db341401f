"""When encounters happen: a weekday × hour heat map and a weekly trend, in local time."""

from collections import Counter

from ..models import Study
from .familiarity import _familiarity, by_week
from .filters import Filters
from .results import Familiarity, Rate
from .tallies import Tallies


def heat_map_of(t: Tallies, sites=None) -> dict[tuple[int, int], Rate]:
    """The heat map from the tallies (see `heat_map`)."""
    seconds, encounters = Counter(), Counter()
    for (site, how), measures in t.time["hours"]["how"].items():
        if sites is None or site in sites:
            seconds[how] += measures[0]
    for (site, how), measures in t.time["encounters"]["how"].items():
        if sites is None or site in sites:
            encounters[how] += int(measures[0])
    return {
        (how // 24 + 1, how % 24): Rate(encounters[how], seconds[how] / 3600)
        for how in sorted(seconds)
        if seconds[how] > 0
    }


def weekly_of(t: Tallies, sites=None) -> list[tuple[str, Rate, Familiarity]]:
    """The weekly trend from the tallies (see `weekly`)."""
    return [
        (key, Rate(int(sums[0]), seconds / 3600), _familiarity(key, sums, seconds))
        for key, (seconds, sums) in by_week(t, sites).items()
        if seconds > 0
    ]


def heat_map(study: Study, f: Filters) -> dict[tuple[int, int], Rate]:
    """{(ISO weekday 1..7, local hour 0..23): rate}, only the cells with observed hours.

    An hour across a DST change counts where the clock showed it: the repeated hour of the
    autumn change is one cell holding both, the skipped spring hour has no time.
    """
    return heat_map_of(Tallies.of(study, f))


def weekly(study: Study, f: Filters) -> list[tuple[str, Rate, Familiarity]]:
    """(ISO week, rate, familiarity) for each local week with observed hours, in order."""
    return weekly_of(Tallies.of(study, f))
