"""A complete answer of the indicators endpoint for its OpenAPI description: one site of the
demo study in October, in Dutch; the indices are computed from the example's own counts, so
that they agree."""

import math

from ..indicators import DEFAULT_REVIEW, THIN_HOURS


def _rate(encounters: int, hours: float) -> dict:
    """An example rate's values."""
    return {
        "encounters": encounters,
        "hours": hours,
        "rate": encounters / hours if hours else None,
        "thin": hours < THIN_HOURS,
    }


def _shares(counts: list[tuple[str, str, int]]) -> dict:
    """An example composition with its indices (computed, so that they agree)."""
    total = sum(n for _code, _label, n in counts)
    blau = 1 - sum((n / total) ** 2 for *_rest, n in counts)
    return {
        "counts": [
            {"code": code, "label": label, "count": n, "share": n / total}
            for code, label, n in counts
        ],
        "total": total,
        "blau": blau,
        "blau_corrected": total / (total - 1) * blau,
        "shannon": -sum(n / total * math.log(n / total) for *_rest, n in counts if n),
    }


def _mixing(code: str, label: str, encounters: int, cross: int, blau: float) -> dict:
    """An example of mixing on one dimension."""
    share = cross / encounters
    return {
        "code": code,
        "label": label,
        "encounters": encounters,
        "cross": cross,
        "share": share,
        "blau": blau,
        "ratio": share / blau,
        "ei_index": (2 * cross - encounters) / encounters,
    }


AGE = [("0-14", "0–14", 6), ("15-24", "15–24", 3), ("25-64", "25–64", 14), ("65+", "65+", 7)]
HOURS = 24.0
EXAMPLE = {
    "study": "demo",
    "labels": "nl",
    "time_zone": "Europe/Amsterdam",
    "level": "site",
    "level_label": "locatie",
    "filters": {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "sites": [1],
        "zones": [],
        "days": "all",
        "hour_from": 0,
        "hour_to": 24,
        "review": list(DEFAULT_REVIEW),
    },
    "thin_hours": THIN_HOURS,
    "totals": {"sessions": 16, **_rate(272, HOURS)},
    "rates": {
        "encounter_type": [
            {"code": "greeting", "label": "groet", **_rate(64, HOURS)},
            {"code": "conversation", "label": "gesprek", **_rate(38, HOURS)},
        ],
        "intensity": [
            {"code": "fleeting", "label": "vluchtig (oogcontact, groet)", **_rate(140, HOURS)}
        ],
        "parties": [{"code": "visitor_visitor", "label": "bezoeker–bezoeker", **_rate(160, HOURS)}],
        "relation": [{"code": "recognised", "label": "bekende gezichten", **_rate(98, HOURS)}],
    },
    "familiarity": [
        {
            "week": "2026-W41",
            "strangers": 30,
            "recognised": 24,
            "acquaintances": 12,
            "unknown": 2,
            "familiar_share": 36 / 66,
            "hours": 6.0,
            "thin": False,
        }
    ],
    "visitor_mix": [
        {
            "category": "age",
            "label": "Leeftijd (geschat)",
            **_shares(AGE),
            "windows": [{"window": "morning", "label": "ochtend (voor 12:00)", **_shares(AGE)}],
        }
    ],
    "mixing": [_mixing("age", "leeftijdsgroepen", 272, 65, 0.72)],
    "heat_map": [{"day": 1, "label": "ma", "hour": 10, **_rate(9, 1.5)}],
    "weekly": [{"week": "2026-W41", **_rate(68, 6.0), "familiar_share": 36 / 66}],
    "conditions": [
        {
            "factor": "crowding",
            "factor_label": "Drukte",
            "level": "busy",
            "level_label": "druk",
            **_rate(80, 5.5),
        }
    ],
    "places": [
        {
            "key": "1",
            "label": "Nieuwe Bibliotheek Almere",
            "site_ids": [1],
            "sessions": 16,
            **_rate(272, HOURS),
            "familiar_share": 0.54,
            "mixing": [
                _mixing("age", "leeftijdsgroepen", 272, 65, 0.72),
                _mixing("company", "gezelschap", 272, 80, 0.70),
            ],
            "mix_age": _shares(AGE),
            "profile": [
                {
                    "key": "seating_movable",
                    "label": "Verplaatsbare zitplaatsen",
                    "value": 90,
                    "text": "90",
                },
                {
                    "key": "hosting",
                    "label": "Gastvrij personeel",
                    "value": "always",
                    "text": "altijd",
                },
            ],
        }
    ],
    "figures": [
        {
            "name": "rates-by-type",
            "title": "Ontmoetingen per geobserveerd uur naar soort ontmoeting",
        }
    ],
}
