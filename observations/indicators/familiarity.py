"""Publieke familiariteit: encounters between recognised faces and acquaintances vs strangers.

familiar share = (recognised + acquaintances) / encounters whose relation was coded.
"""

from collections import defaultdict
from datetime import timedelta

from ..models import Study
from .filters import Filters
from .local_time import EPOCH_DAY, week_key
from .rates import encounter_sums, hours_of
from .results import Familiarity
from .tallies import Tallies

PER = ("week", "site")


def _familiarity(key: str, measures, seconds: float) -> Familiarity:
    """A Familiarity from (n, strangers, recognised, acquaintances, …) and observed seconds."""
    n, strangers, recognised, acquaintances = (int(m) for m in measures[:4])
    return Familiarity(
        key=key,
        strangers=strangers,
        recognised=recognised,
        acquaintances=acquaintances,
        unknown=n - strangers - recognised - acquaintances,
        hours=seconds / 3600,
    )


def by_week(t: Tallies, sites=None) -> dict[str, tuple[float, list]]:
    """{ISO week: (observed seconds, encounter sums)} in order, for weeks with either."""
    weeks: dict[str, list] = defaultdict(lambda: [0.0, [0] * 6])
    for fact, slot in (("hours", 0), ("encounters", 1)):
        for (site, day), measures in t.time[fact]["day"].items():
            if sites is not None and site not in sites:
                continue
            week = weeks[week_key(EPOCH_DAY + timedelta(days=day))]
            if slot == 0:
                week[0] += measures[0]
            else:
                week[1] = [a + b for a, b in zip(week[1], measures, strict=True)]
    return {key: (value[0], value[1]) for key, value in sorted(weeks.items())}


def familiarity_of(t: Tallies, per: str = "week", sites=None) -> list[Familiarity]:
    """Familiarity per week or per site from the tallies."""
    if per == "week":
        return [_familiarity(k, sums, s) for k, (s, sums) in by_week(t, sites).items()]
    if per != "site":
        raise ValueError(f"unknown grouping {per!r}")
    result = []
    for site in t.sites:
        if sites is not None and site.id not in sites:
            continue
        sums = encounter_sums(t, {site.id})
        hours = hours_of(t, {site.id})
        if hours or sums[0]:
            result.append(_familiarity(str(site.id), sums, hours * 3600))
    return result


def familiarity(study: Study, f: Filters, per: str = "week") -> list[Familiarity]:
    """Encounters by relation per ISO week (in order) or per site (in the study's site order).

    Weeks are local ISO weeks ("2026-W40"); only weeks and sites with observed hours or
    encounters are listed. `hours` is the observed hours of that week or site.
    """
    if per not in PER:
        raise ValueError(f"unknown grouping {per!r}")
    return familiarity_of(Tallies.of(study, f), per)
