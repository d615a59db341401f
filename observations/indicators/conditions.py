"""Conditions set against the encounter rate: programme, crowding, zone conditions, profile.

Factors, in this order, each level with the observed hours behind it:
- "programme": "running" (any programme but "none"), "none", "unknown" (not recorded).
- "crowding": the session's crowding code in codebook order, "unknown" when not recorded.
- "zone:<code>" for each zone condition of the codebook: "yes" / "no". A zone had the
  condition during a session when at least half of that session's scans of the zone (within
  the filters) recorded it; zones a session did not scan are left out. The hours of these
  rows are *zone-hours* (each session's hours once per zone judged) and the encounters those
  in the judged zones, so "yes" and "no" compare with each other, not with the site rate.
- "profile:<field>" for each item of the site profile checklist (sites/profile.py), by the
  profile that held on the local day: a scale by its choice, a count by its value ("12"),
  a multi-select by each choice made (levels overlap: a day counts under every choice made;
  "none" when nothing was chosen); "unknown" where no profile held or the item was left open.
Only levels with observed hours or encounters are listed.
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import SiteProfile, Study
from ..sites.profile import COUNT, FIELDS, MULTI, clean
from .filters import Filters
from .local_time import EPOCH_DAY
from .results import ConditionRow, Rate
from .tallies import Tallies

PROGRAMME_LEVELS = ("running", "none", "unknown")
UNKNOWN = "unknown"


def _rows(factor: str, levels: list[str], seconds: Counter, encounters: Counter) -> list:
    """ConditionRows for the levels that have hours or encounters."""
    return [
        ConditionRow(factor, level, Rate(int(encounters[level]), seconds[level] / 3600))
        for level in levels
        if seconds[level] or encounters[level]
    ]


def _session_conditions(t: Tallies) -> list[ConditionRow]:
    """Programme and crowding rows."""
    rows = []
    for position, factor in ((0, "programme"), (1, "crowding")):
        seconds, encounters = Counter(), Counter()
        for key, measures in t.time["hours"]["cond"].items():
            seconds[key[position]] += measures[0]
        for key, measures in t.time["encounters"]["cond"].items():
            encounters[key[position]] += measures[0]
        if factor == "programme":
            levels = list(PROGRAMME_LEVELS)
        else:
            levels = [*t.codes.get("crowding", []), UNKNOWN]
            levels += sorted((set(seconds) | set(encounters)) - set(levels))
        rows += _rows(factor, levels, seconds, encounters)
    return rows


def _zone_conditions(t: Tallies) -> list[ConditionRow]:
    """Zone condition rows (yes/no per code)."""
    zones = t.time["zones"]
    all_seconds, all_encounters = zones.get(None, (0.0, 0))
    codes = list(t.codes.get("conditions", []))
    codes += sorted(code for code in zones if code is not None and code not in codes)
    rows = []
    for code in codes:
        if not all_seconds and not all_encounters:
            break
        seconds, encounters = zones.get(code, (0.0, 0))
        rows += _rows(
            f"zone:{code}",
            ["yes", "no"],
            Counter({"yes": seconds, "no": all_seconds - seconds}),
            Counter({"yes": encounters, "no": all_encounters - encounters}),
        )
    return rows


def _levels(field, data: dict | None) -> list[str]:
    """The levels a profile puts a day under, for one checklist item."""
    value = None if data is None else data.get(field.key)
    if field.kind == MULTI:
        if data is None:
            return [UNKNOWN]
        return list(value) or ["none"]
    return [UNKNOWN if value is None else str(value)]


def _level_order(field, seen) -> list[str]:
    """The levels of an item in display order."""
    if field.kind == COUNT:
        numbers = sorted((level for level in seen if level != UNKNOWN), key=int)
        return [*numbers, UNKNOWN]
    choices = [code for code, _label in field.choices]
    extra = ["none"] if field.kind == MULTI else []
    return [*choices, *extra, UNKNOWN]


def profiles_by_site(site_ids) -> dict[int, tuple[list, list]]:
    """{site id: (valid-from dates, cleaned data)} of every profile version, oldest first."""
    result: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    query = (
        select(SiteProfile)
        .where(SiteProfile.site_id.in_(list(site_ids)))
        .order_by(SiteProfile.site_id, SiteProfile.valid_from, SiteProfile.id)
    )
    for profile in db.session.scalars(query):
        dates, data = result[profile.site_id]
        dates.append(profile.valid_from)
        data.append(clean(profile.data))
    return result


def _profile_conditions(t: Tallies) -> list[ConditionRow]:
    """Site profile rows: each day's hours and encounters under the profile that held."""
    profiles = profiles_by_site(site.id for site in t.sites)
    seconds = defaultdict(Counter)
    encounters = defaultdict(Counter)
    for fact, target in (("hours", seconds), ("encounters", encounters)):
        # Summed per profile version first: a study has thousands of site-days, few versions.
        per_version = Counter()
        for (site, day), measures in t.time[fact]["day"].items():
            dates = profiles[site][0] if site in profiles else []
            per_version[(site, bisect_right(dates, EPOCH_DAY + timedelta(days=day)))] += measures[0]
        for (site, position), value in per_version.items():
            data = profiles[site][1][position - 1] if position else None
            for field in FIELDS:
                for level in _levels(field, data):
                    target[field.key][level] += value
    rows = []
    for field in FIELDS:
        seen = set(seconds[field.key]) | set(encounters[field.key])
        levels = _level_order(field, seen)
        rows += _rows(f"profile:{field.key}", levels, seconds[field.key], encounters[field.key])
    return rows


def conditions_of(t: Tallies) -> list[ConditionRow]:
    """Every condition row from the tallies."""
    return [*_session_conditions(t), *_zone_conditions(t), *_profile_conditions(t)]


def conditions(study: Study, f: Filters) -> list[ConditionRow]:
    """One row per factor and level, in the order of the module docstring."""
    return conditions_of(Tallies.of(study, f))
