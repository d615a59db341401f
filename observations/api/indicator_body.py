"""The indicators as one JSON object for analysis tools: codes with their labels, plain numbers.

Made from indicators.comparison's results, named with the dashboards' labels
(dashboards/labels.py) in the language asked. Every rate carries the observed hours behind it
and `thin` (fewer than THIN_HOURS); a figure that cannot be computed (no hours, nobody
counted) is null. Shares are fractions (0.25, not 25 %).
"""

from ..charts.heat import day_names
from ..dashboards.labels import (
    DIMENSION_NAMES,
    INTENSITY_NAMES,
    PLACE_LEVELS,
    WINDOW_NAMES,
    Labels,
)
from ..indicators import THIN_HOURS, Comparison, Familiarity, Filters, Mixing, Rate, Shares
from ..models import Study
from ..sites.profile import FIELDS, clean

BREAKDOWNS = ("encounter_type", "intensity", "parties", "relation")


def rate(value: Rate) -> dict:
    """Encounters, observed hours, encounters per observed hour and the thin-evidence flag."""
    return {
        "encounters": value.encounters,
        "hours": value.hours,
        "rate": value.per_hour,
        "thin": value.thin,
    }


def filters(f: Filters) -> dict:
    """The filters applied, with the names of the query parameters."""
    return {
        "from": f.date_from.isoformat() if f.date_from else None,
        "to": f.date_to.isoformat() if f.date_to else None,
        "sites": list(f.sites),
        "zones": list(f.zones),
        "days": f.days,
        "hour_from": f.hour_from,
        "hour_to": f.hour_to,
        "review": list(f.review),
    }


def _name_of(category: str, labels: Labels):
    """How the codes of a breakdown are named."""
    if category == "intensity":
        return lambda code: str(INTENSITY_NAMES.get(code, code))
    return lambda code: labels.code(category, code)


def _rates(rates: dict[str, Rate], name) -> list[dict]:
    """A rate per code, in codebook order."""
    return [{"code": code, "label": name(code), **rate(r)} for code, r in rates.items()]


def shares(value: Shares, name) -> dict:
    """A composition: each code's count and share, the total and the diversity indices."""
    return {
        "counts": [
            {"code": code, "label": name(code), "count": n, "share": value.share(code)}
            for code, n in value.counts.items()
        ],
        "total": value.total,
        "blau": value.blau,
        "blau_corrected": value.blau_corrected,
        "shannon": value.shannon,
    }


def _visitor_mix(c: Comparison, labels: Labels) -> list[dict]:
    """Per category: the whole day's mix and each time window's."""
    found = []
    for category, whole in c.mix.items():
        name = _name_of(category, labels)
        windows = c.mix_by_window.get(category, {})
        found.append(
            {
                "category": category,
                "label": labels.category(category),
                **shares(whole, name),
                "windows": [
                    {"window": w, "label": str(WINDOW_NAMES.get(w, w)), **shares(s, name)}
                    for w, s in windows.items()
                ],
            }
        )
    return found


def _familiarity(week: Familiarity) -> dict:
    """Encounters by apparent relation in one week, with the familiar share."""
    return {
        "week": week.key,
        "strangers": week.strangers,
        "recognised": week.recognised,
        "acquaintances": week.acquaintances,
        "unknown": week.unknown,
        "familiar_share": week.familiar_share,
        "hours": week.hours,
        "thin": week.hours < THIN_HOURS,
    }


def mixing(value: Mixing) -> dict:
    """Cross-group encounters on one dimension against random mixing."""
    return {
        "code": value.dimension,
        "label": str(DIMENSION_NAMES.get(value.dimension, value.dimension)),
        "encounters": value.encounters,
        "cross": value.cross,
        "share": value.share,
        "blau": value.blau,
        "ratio": value.ratio,
        "ei_index": value.ei_index,
    }


def _profile(data: dict | None) -> list[dict] | None:
    """A site's current profile: each checklist item's value (codes, a count) and its text."""
    if data is None:
        return None
    kept = clean(data)
    return [
        {"key": f.key, "label": str(f.label), "value": kept[f.key], "text": f.display(kept[f.key])}
        for f in FIELDS
    ]


def _places(c: Comparison, labels: Labels) -> list[dict]:
    """The places at the level asked, with their headline figures."""
    return [
        {
            "key": place.key,
            "label": place.label,
            "site_ids": list(place.site_ids),
            "sessions": place.totals.sessions,
            **rate(place.totals.rate),
            "familiar_share": place.familiar_share,
            "mixing": [mixing(place.mixing_age), mixing(place.mixing_company)],
            "mix_age": shares(place.mix_age, _name_of("age", labels)),
            "profile": _profile(place.profile),
        }
        for place in c.places
    ]


def body(study: Study, c: Comparison, labels: Labels, asked_labels: str, names: list) -> dict:
    """The JSON answer; `names` lists the figures one may ask for as CSV."""
    days = day_names()
    totals = c.totals
    by = {
        "encounter_type": c.rates_by_type,
        "intensity": c.rates_by_intensity,
        "parties": c.rates_by_parties,
        "relation": c.rates_by_relation,
    }
    return {
        "study": study.slug,
        "labels": asked_labels,
        "time_zone": study.timezone,
        "level": c.level,
        "level_label": str(PLACE_LEVELS[c.level]),
        "filters": filters(c.filters),
        "thin_hours": THIN_HOURS,
        "totals": {"sessions": totals.sessions, **rate(totals.rate)},
        "rates": {
            category: _rates(by[category], _name_of(category, labels)) for category in BREAKDOWNS
        },
        "familiarity": [_familiarity(week) for week in c.familiarity_weekly],
        "visitor_mix": _visitor_mix(c, labels),
        "mixing": [mixing(m) for m in c.mixing.values()],
        "heat_map": [
            {"day": day, "label": days[day], "hour": hour, **rate(r)}
            for (day, hour), r in sorted(c.heat_map.items())
        ],
        "weekly": [
            {"week": week, **rate(r), "familiar_share": familiarity.familiar_share}
            for week, r, familiarity in c.weekly
        ],
        "conditions": [
            {
                "factor": row.factor,
                "factor_label": labels.factor(row.factor),
                "level": row.level,
                "level_label": labels.level(row.factor, row.level),
                **rate(row.rate),
            }
            for row in c.conditions
        ],
        "places": _places(c, labels),
        "figures": names,
    }
