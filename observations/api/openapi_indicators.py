"""The OpenAPI description of the indicators endpoint (indicator_reading.py).

Its parameters are the dashboards' filters (dashboards/filtering.py) with the read routes'
`site`, `from`, `to`, `labels` and `format`; the answer's parts are described once each and
put together in `Indicators`, whose example is a complete answer.
"""

from ..export import LABELS
from ..indicators import DAYS, LEVELS
from ..models.records import REVIEW_STATES
from .indicator_figures import FIGURES
from .openapi_indicator_example import EXAMPLE
from .openapi_params import SLUG_PARAMETER, query

REF = "#/components/schemas/"
COUNT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
NUMBER = {"type": "number", "nullable": True}
SHARE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
RATE = {
    "encounters": COUNT,
    "hours": {"type": "number", "minimum": 0, "description": "Observed hours behind the figure."},
    "rate": {
        "type": "number",
        "minimum": 0,
        "nullable": True,
        "description": "Encounters per observed hour; null without observed hours.",
    },
    "thin": {
        "type": "boolean",
        "description": "Fewer observed hours than thin_hours: thin evidence.",
    },
}
SHARES = {
    "counts": {"type": "array", "items": {"$ref": REF + "IndicatorCount"}},
    "total": {**COUNT, "description": "People counted (N)."},
    "blau": {**NUMBER, "description": "1 − Σ p² (Gini–Simpson); null when N = 0."},
    "blau_corrected": {**NUMBER, "description": "N/(N−1) · Blau; null when N < 2."},
    "shannon": {**NUMBER, "description": "−Σ p ln p (natural log); null when N = 0."},
}


def _object(properties: dict, description: str = "", **more) -> dict:
    """An object with exactly these properties, all of them present."""
    found = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
        **more,
    }
    return {**found, "description": description} if description else found


def _list(name: str) -> dict:
    """An array of a component."""
    return {"type": "array", "items": {"$ref": REF + name}}


def _coded(extra: dict | None = None) -> dict:
    """A code with its label (labels=codes: the code again)."""
    return {"code": TEXT, "label": TEXT, **(extra or {})}


MIXING = _object(
    {
        "code": {"type": "string", "enum": ["age", "company"]},
        "label": TEXT,
        "encounters": {**COUNT, "description": "Encounters considered (E + I)."},
        "cross": {**COUNT, "description": "Encounters across groups (E)."},
        "share": {**SHARE, "description": "E / (E + I)."},
        "blau": {**NUMBER, "description": "Corrected Blau index of the visitor mix."},
        "ratio": {**NUMBER, "description": "share / blau: 1 = as random mixing would give."},
        "ei_index": {**NUMBER, "description": "(E − I) / (E + I)."},
    },
    "Cross-group encounters on one dimension against random mixing of the people present.",
)
WINDOW_MIX = _object(
    {"window": {"type": "string", "enum": ["morning", "afternoon", "evening"]}, "label": TEXT}
    | SHARES
)


SCHEMAS = {
    "IndicatorCount": _object(
        _coded({"count": COUNT, "share": SHARE}), "One code's count and share."
    ),
    "IndicatorShares": _object(SHARES, "A composition with its diversity indices."),
    "IndicatorRate": _object(_coded(RATE), "Encounters per observed hour for one code."),
    "IndicatorMixing": MIXING,
    "IndicatorWindowMix": WINDOW_MIX,
    "IndicatorVisitorMix": _object(
        {
            "category": {"type": "string", "enum": ["age", "gender", "company", "role", "regular"]},
            "label": TEXT,
            **SHARES,
            "windows": _list("IndicatorWindowMix"),
        },
        "Who comes, from the scans: one category, the whole day and per time window.",
    ),
    "IndicatorFamiliarity": _object(
        {
            "week": {**TEXT, "description": "ISO week, e.g. 2026-W41."},
            "strangers": COUNT,
            "recognised": COUNT,
            "acquaintances": COUNT,
            "unknown": {**COUNT, "description": "Encounters without a relation coded."},
            "familiar_share": {
                **SHARE,
                "description": "(recognised + acquaintances) / encounters with a relation.",
            },
            "hours": RATE["hours"],
            "thin": RATE["thin"],
        },
        "Encounters by apparent relation in one week.",
    ),
    "IndicatorHeatCell": _object(
        {
            "day": {"type": "integer", "minimum": 1, "maximum": 7, "description": "1 = Monday."},
            "label": TEXT,
            "hour": {"type": "integer", "minimum": 0, "maximum": 23},
            **RATE,
        },
        "One weekday × local hour with observed hours.",
    ),
    "IndicatorWeek": _object(
        {"week": TEXT, **RATE, "familiar_share": SHARE}, "One week of the trend."
    ),
    "IndicatorCondition": _object(
        {
            "factor": {
                **TEXT,
                "description": "programme, crowding, zone:<condition code> or "
                "profile:<checklist item>.",
            },
            "factor_label": TEXT,
            "level": {**TEXT, "description": "e.g. running/none, a crowding code, yes/no."},
            "level_label": TEXT,
            **RATE,
        },
        "The encounter rate under one level of one condition.",
    ),
    "IndicatorProfileItem": _object(
        {
            "key": TEXT,
            "label": TEXT,
            "value": {"description": "A count, a code, a list of codes, or null."},
            "text": TEXT,
        },
        "One item of a site's current profile (level site only).",
    ),
    "IndicatorPlace": _object(
        {
            "key": {**TEXT, "description": "The site's id, or the neighbourhood or city."},
            "label": TEXT,
            "site_ids": {"type": "array", "items": {"type": "integer"}},
            "sessions": COUNT,
            **RATE,
            "familiar_share": SHARE,
            "mixing": _list("IndicatorMixing"),
            "mix_age": {"$ref": REF + "IndicatorShares"},
            "profile": {**_list("IndicatorProfileItem"), "nullable": True},
        },
        "One site, neighbourhood or city with its headline figures.",
    ),
    "Indicators": _object(
        {
            "study": TEXT,
            "labels": {"type": "string", "enum": list(LABELS)},
            "time_zone": TEXT,
            "level": {"type": "string", "enum": list(LEVELS)},
            "level_label": TEXT,
            "filters": _object(
                {
                    "from": {"type": "string", "format": "date", "nullable": True},
                    "to": {"type": "string", "format": "date", "nullable": True},
                    "sites": {"type": "array", "items": {"type": "integer"}},
                    "zones": {"type": "array", "items": {"type": "integer"}},
                    "days": {"type": "string", "enum": list(DAYS)},
                    "hour_from": {"type": "integer", "minimum": 0, "maximum": 23},
                    "hour_to": {"type": "integer", "minimum": 1, "maximum": 24},
                    "review": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(REVIEW_STATES)},
                    },
                },
                "The filters applied (sites: those of `site` and `sites` together).",
            ),
            "thin_hours": {"type": "number", "description": "Fewer observed hours are thin."},
            "totals": _object({"sessions": COUNT, **RATE}),
            "rates": _object(
                {
                    by: _list("IndicatorRate")
                    for by in ("encounter_type", "intensity", "parties", "relation")
                },
                "Encounter rates per code, each over all observed hours.",
            ),
            "familiarity": _list("IndicatorFamiliarity"),
            "visitor_mix": _list("IndicatorVisitorMix"),
            "mixing": _list("IndicatorMixing"),
            "heat_map": _list("IndicatorHeatCell"),
            "weekly": _list("IndicatorWeek"),
            "conditions": _list("IndicatorCondition"),
            "places": _list("IndicatorPlace"),
            "figures": {
                "type": "array",
                "items": _object(
                    {"name": {"type": "string", "enum": list(FIGURES)}, "title": TEXT}
                ),
                "description": "The figures one may ask for as CSV (?format=csv&figure=NAME).",
            },
        },
        "Every indicator of the dashboards under the filters asked.",
        example=EXAMPLE,
    ),
}


def _ids(name: str, what: str) -> dict:
    """A list of ids: comma-separated in one value, or the parameter repeated."""
    return query(
        name,
        {"type": "array", "items": {"type": "string", "maxLength": 200}},
        f"Only these {what}: their ids, comma-separated (as in the dashboards' URLs) or the "
        "parameter repeated.",
        style="form",
        explode=True,
    )


PARAMETERS = [
    SLUG_PARAMETER,
    query(
        "format",
        {"type": "string", "enum": ["json", "csv"], "default": "json"},
        "json: every indicator in one object; csv: the table of one figure (give `figure`), "
        "with the columns of the dashboards' xlsx download of that figure (UTF-8 with a BOM, "
        "a header row; shares as fractions, thin evidence as 1/0, no figure as empty).",
    ),
    query(
        "figure",
        {"type": "string", "enum": list(FIGURES)},
        "The figure a CSV holds, named as in the dashboards' download links.",
    ),
    query(
        "labels",
        {"type": "string", "enum": list(LABELS), "default": "nl"},
        "Names of codes (and the CSV's headers) in Dutch or English; codes: the codebook's "
        "codes as labels, and English for the rest.",
    ),
    query(
        "level",
        {"type": "string", "enum": list(LEVELS), "default": "site"},
        "The places listed: sites, neighbourhoods (wijken) or cities.",
    ),
    query(
        "site",
        {"type": "array", "items": {"type": "string"}},
        "Only this site, as on the other read routes: its id (a number) or its exact name. "
        "Repeat for several sites; combines with `sites`.",
        style="form",
        explode=True,
    ),
    _ids("sites", "sites"),
    _ids("zones", "zones of the study's sites"),
    query(
        "from",
        {"type": "string", "format": "date"},
        "From this local day (YYYY-MM-DD): observed hours and encounters on or after it.",
    ),
    query(
        "to",
        {"type": "string", "format": "date"},
        "Up to and including this local day (YYYY-MM-DD).",
    ),
    query(
        "days",
        {"type": "string", "enum": list(DAYS), "default": "all"},
        "Every day, weekdays (Monday to Friday) or the weekend.",
    ),
    query(
        "hour_from",
        {"type": "integer", "minimum": 0, "maximum": 23, "default": 0},
        "The local time window starts at this whole hour.",
    ),
    query(
        "hour_to",
        {"type": "integer", "minimum": 1, "maximum": 24, "default": 24},
        "The local time window ends at this whole hour (after hour_from).",
    ),
    query(
        "review",
        {"type": "array", "items": {"type": "string", "enum": list(REVIEW_STATES)}},
        "Only sessions in these review states (comma-separated or repeated); by default "
        "all but rejected.",
        style="form",
        explode=True,
    ),
]


def _error(description: str) -> dict:
    """An error answer."""
    schema = {"$ref": REF + "Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PATHS = {
    "/studies/{slug}/indicators": {
        "get": {
            "summary": "The dashboards' indicators: rates, familiarity, mixing, visitor mix",
            "description": "Every figure of the site dashboard and the cross-site comparison "
            "under the filters given, as numbers with the observed hours behind them: "
            "totals, encounter rates by type, intensity, parties and relation, familiarity per "
            "week, visitor mix per category (Blau, corrected Blau, Shannon), mixing against "
            "random mixing (share, Blau, ratio, E-I index), the weekday × hour heat map, the "
            "weekly trend, conditions against encounters, and the places at the level asked. "
            "The filters are the dashboards' (a dashboard URL's query string works as it is), "
            "with `site`, `from` and `to` as on the other read routes; `from` and `to` count "
            "observed hours and encounters on those local days, where the tables count "
            "sessions that started on them. Computed when asked: nothing is paged. Research "
            "leads and coordinators of the study, and the admin, may read it; other members "
            "get 403, everyone else 404.",
            "operationId": "readIndicators",
            "security": [{"bearerAuth": []}, {"cookieAuth": []}],
            "parameters": PARAMETERS,
            "responses": {
                "200": {
                    "description": "The indicators (JSON), or one figure's table (CSV)",
                    "content": {
                        "application/json": {"schema": {"$ref": REF + "Indicators"}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                "400": _error(
                    "A parameter is wrong: a message per parameter in errors (an unknown "
                    "figure: the list of figures)"
                ),
                "401": _error("Not authenticated"),
                "403": _error(
                    "A member of the study without the research lead or coordinator role"
                ),
                "404": _error("No such study, or not yours"),
            },
        }
    }
}
