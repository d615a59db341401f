"""The headline figures per site, neighbourhood (wijk) or city, side by side.

Sites are listed in the study's order (position, then name), also when nothing was observed
there; neighbourhoods and cities by name, a site without one under the key "" (label "").
`profile` (level "site" only) is the site's current profile: the version valid today in the
study's time zone, cleaned to the checklist (None without one).
"""

from bisect import bisect_right
from datetime import datetime
from zoneinfo import ZoneInfo

from ..models import Study
from .conditions import profiles_by_site
from .familiarity import familiarity_of
from .filters import Filters
from .rates import totals_of
from .results import PlaceRow
from .tallies import Tallies
from .visitors import mixing_of, visitor_mix_of

LEVELS = ("site", "neighbourhood", "city")


def groups(t: Tallies, level: str) -> list[tuple[str, str, tuple[int, ...]]]:
    """(key, label, site ids) per place at a level."""
    if level == "site":
        return [(str(site.id), site.name, (site.id,)) for site in t.sites]
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    named: dict[str, list[int]] = {}
    for site in t.sites:
        named.setdefault(getattr(site, level) or "", []).append(site.id)
    return [(name, name, tuple(ids)) for name, ids in sorted(named.items())]


def current_profiles(t: Tallies) -> dict[int, dict]:
    """{site id: the profile data valid today}."""
    today = datetime.now(ZoneInfo(t.scope.study.timezone)).date()
    result = {}
    for site_id, (dates, versions) in profiles_by_site(s.id for s in t.sites).items():
        position = bisect_right(dates, today)
        if position:
            result[site_id] = versions[position - 1]
    return result


def by_place_of(t: Tallies, level: str = "site") -> list[PlaceRow]:
    """The place rows from the tallies."""
    profiles = current_profiles(t) if level == "site" else {}
    rows = []
    for key, label, site_ids in groups(t, level):
        ids = set(site_ids)
        coded = familiarity_of(t, "site", ids)
        strangers = sum(f.strangers for f in coded)
        familiar = sum(f.recognised + f.acquaintances for f in coded)
        mixing = mixing_of(t, ids)
        rows.append(
            PlaceRow(
                key=key,
                label=label,
                site_ids=site_ids,
                totals=totals_of(t, ids),
                familiar_share=familiar / (familiar + strangers) if familiar + strangers else None,
                mixing_age=mixing["age"],
                mixing_company=mixing["company"],
                mix_age=visitor_mix_of(t, "age", ids),
                profile=profiles.get(site_ids[0]) if level == "site" else None,
            )
        )
    return rows


def by_place(study: Study, f: Filters, level: str = "site") -> list[PlaceRow]:
    """One row per site (study order), neighbourhood or city (by name) within the filters."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return by_place_of(Tallies.of(study, f), level)
