"""The OpenAPI description of the read endpoints (reading.py): parameters, paging, row shapes.

Row schemas are made from the workbook's own columns (export/source.py), so the document
cannot drift from what the endpoints send.
"""

from ..export.passers import PASSERS_COLUMNS, VERSION_COLUMN
from ..export.source import (
    CODEBOOK_COLUMNS,
    ENCOUNTERS_COLUMNS,
    NOTES_COLUMNS,
    SCANS_COLUMNS,
    SESSIONS_COLUMNS,
    SITES_COLUMNS,
)
from ..export.tables import COLUMN_TYPES, PAGED, TABLES
from . import openapi_indicators
from .openapi_params import SLUG_PARAMETER, query
from .read_args import DEFAULT_LIMIT, MAX_LIMIT

COLUMNS = {
    "sessions": SESSIONS_COLUMNS,
    "scans": SCANS_COLUMNS,
    "encounters": ENCOUNTERS_COLUMNS,
    "notes": NOTES_COLUMNS,
    "passers": [*PASSERS_COLUMNS, VERSION_COLUMN],
    "sites": SITES_COLUMNS,
    "codebook": CODEBOOK_COLUMNS,
}
# Columns that always have a value: the keys, and the ids and counts of a row.
REQUIRED = {
    "sessions": ("session_id", "session_uuid", "site", "start", "scans", "encounters", "notes"),
    "scans": ("session_id", "scan_id", "site", "time", "category", "code", "count"),
    "encounters": ("session_id", "encounter_id", "site", "time", "encounter_type"),
    "notes": ("session_id", "note_id", "site", "time", "text"),
    "passers": ("passer_id", "session_id", "site", "zone", "start", "minutes", "total", "per_hour"),
    "sites": ("site_id", "site", "site_type"),
    "codebook": ("category", "applies_to", "code", "label_nl", "label_en", "introduced_in"),
}
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
    "description": "Local time in the study's time zone (time_zone), as YYYY-MM-DD HH:MM:SS.",
    "example": "2026-05-01 14:05:00",
}
TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}, "text": {"type": "string"}}
SUMMARIES = {
    "sessions": "Sessions, one row each",
    "scans": "Scans in long format: a row per scan × category × code",
    "encounters": "Encounters, one row each, with a 0/1 column per flag",
    "notes": "Field notes, one row each",
    "passers": "People-moving counts (passers-by), one row each, with a column per code",
    "sites": "Sites with their zones, a row per zone",
    "codebook": "The codebook: every category and code in Dutch and English",
}
KEYS = {
    "sessions": "session_id",
    "scans": "scan_id, category and code (the raw code, whatever the labels)",
    "encounters": "encounter_id",
    "notes": "note_id",
    "passers": "passer_id",
}
# The indicators endpoint (indicator_reading.py), described in openapi_indicators.py.
INDICATOR_PATHS: dict = openapi_indicators.PATHS
INDICATOR_SCHEMAS: dict = openapi_indicators.SCHEMAS

EXAMPLES = {
    "sessions": {
        "session_id": 1,
        "session_uuid": "da159d43-a922-490e-9eef-616aa2e29977",
        "site": "Nieuwe Bibliotheek Almere",
        "zones": "Entree en leesplein, Leestafels, Kinderhoek, Koffiebar",
        "observer": "W02",
        "planned": 1,
        "start": "2026-11-06 19:00:00",
        "end": "2026-11-06 20:55:00",
        "minutes": 115.0,
        "weather": "binnen",
        "temperature_c": None,
        "crowding": "matig",
        "programme": "vast programma",
        "review": "goedgekeurd",
        "review_comment": None,
        "flags": None,
        "scans": 12,
        "encounters": 16,
        "notes": 1,
        "codebook_version": 1,
    },
    "scans": {
        "session_id": 1,
        "scan_id": 1,
        "site": "Nieuwe Bibliotheek Almere",
        "zone": "Entree en leesplein",
        "observer": "W02",
        "time": "2026-11-06 19:05:00",
        "category": "activity",
        "code": "praten",
        "count": 3,
        "codebook_version": 1,
    },
    "encounters": {
        "session_id": 1,
        "encounter_id": 2,
        "site": "Nieuwe Bibliotheek Almere",
        "zone": "Koffiebar",
        "observer": "W02",
        "time": "2026-11-06 19:32:54",
        "encounter_type": "gesprek",
        "parties": "bezoeker–bezoeker",
        "relation": "bekende gezichten",
        "flag_across_ages": 1,
        "flag_different_company": 0,
        "flag_via_object": 0,
        "note": None,
        "codebook_version": 1,
    },
    "notes": {
        "session_id": 2,
        "note_id": 2,
        "site": "Nieuwe Bibliotheek Almere",
        "zone": "Koffiebar",
        "observer": "W01",
        "time": "2026-11-06 14:54:55",
        "text": "Koffiebar is het ontmoetingspunt voor ouderen in de ochtend.",
        "codebook_version": 1,
    },
    "passers": {
        "passer_id": 2,
        "session_id": 1,
        "site": "Wijkpark Cromvliet",
        "zone": "Bankjes bij de vijver",
        "observer": "W01",
        "start": "2026-10-16 15:55:00",
        "minutes": 10,
        "total": 21,
        "per_hour": 126.0,
        "Vervoerswijze: te voet": 16,
        "Vervoerswijze: fiets": 4,
        "Vervoerswijze: rolstoel of ander hulpmiddel": 0,
        "Vervoerswijze: in kinderwagen of buggy": 0,
        "Vervoerswijze: anders": 1,
        "Gender (zoals waargenomen): man/jongen": 5,
        "Gender (zoals waargenomen): vrouw/meisje": 15,
        "Gender (zoals waargenomen): onbekend": 1,
        "Leeftijd (geschat): 0–14": 0,
        "Leeftijd (geschat): 15–24": 3,
        "Leeftijd (geschat): 25–64": 7,
        "Leeftijd (geschat): 65+": 9,
        "Leeftijd (geschat): onbekend": 2,
        "Groepsgrootte: alleen": None,
        "Groepsgrootte: tweetal": None,
        "Groepsgrootte: groepje (3–7)": None,
        "Groepsgrootte: grote groep (8+)": None,
        "codebook_version": 1,
    },
    "sites": {
        "site_id": 5,
        "site": "Krachtstation Kanaleneiland",
        "site_type": "buurthuis",
        "city": "Utrecht",
        "neighbourhood": "Kanaleneiland",
        "address": None,
        "zone_id": 15,
        "zone": "Ontmoetingsruimte",
        "zone_area_m2": 200.0,
    },
    "codebook": {
        "category": "relation",
        "category_nl": "Relatie (zoals het lijkt)",
        "category_en": "Relation (apparent)",
        "applies_to": "encounter",
        "code": "recognised",
        "label_nl": "bekende gezichten",
        "label_en": "recognised (familiar faces)",
        "description_nl": None,
        "description_en": None,
        "introduced_in": 1,
        "retired_in": None,
    },
}


def _name(table: str) -> str:
    """The schema name of a table's row, e.g. ScanRow."""
    return table.removesuffix("s").title() + "Row"


# Columns a table has beyond its fixed ones, with what the row's schema says of them.
MORE_COLUMNS = {
    # A flag column per encounter flag of the study's codebook.
    "encounters": (
        " Every encounter flag of the codebook adds a 0/1 column flag_<code>.",
        {"type": "integer", "enum": [0, 1]},
    ),
    # A column per code of the count's categories, before codebook_version.
    "passers": (
        " After per_hour comes a column per mode, perceived gender (the codebook's codes), "
        "perceived age band (the codebook's codes) and group size: the people of the count "
        "with that code; null where the count did not note that category (only the modes "
        "are always noted), 0 where it did and nobody had the code. With labels=codes the "
        "columns are named <category>_<code> (mode_on_foot, gender_woman, age_65+, "
        'group_pair, …), otherwise "<category label>: <code label>" in the chosen '
        "language (Vervoerswijze: te voet / Mode: on foot, …). total is the sum of the "
        "modes; per_hour is total × 60 / minutes, to one decimal.",
        {"type": "integer", "minimum": 0, "nullable": True},
    ),
}


def _row(table: str) -> dict:
    """The schema of one row of a table."""
    properties = {}
    for column in COLUMNS[table]:
        schema = LOCAL_TIME if column.kind == "datetime" else TYPES[column.kind]
        nullable = column.header not in REQUIRED[table]
        properties[column.header] = {**schema, **({"nullable": True} if nullable else {})}
    more, extra = MORE_COLUMNS.get(table, ("", False))
    return {
        "type": "object",
        "description": "A row with the workbook's columns, in its order, labelled as asked." + more,
        "required": [c.header for c in COLUMNS[table]],
        "properties": properties,
        # Only the tables of MORE_COLUMNS have columns beyond the fixed ones.
        "additionalProperties": extra,
        "example": EXAMPLES[table],
    }


def _example_columns(table: str) -> list[dict]:
    """The columns of a table's example row, typed: the fixed ones as declared, the more
    columns (flags, codes) as integers."""
    kinds = {column.header: column.kind for column in COLUMNS[table]}
    return [
        {"name": name, "type": COLUMN_TYPES[kinds.get(name, "int")]} for name in EXAMPLES[table]
    ]


def _page(table: str) -> dict:
    """The schema of a JSON answer: the rows, their columns, and the next page's URL."""
    example_next = (
        f"https://terloops.example/api/v1/studies/demo/{table}?limit=1000&cursor=eyJ0Ijoi..."
    )
    return {
        "type": "object",
        "required": ["table", "study", "labels", "time_zone", "columns", "data", "next"],
        "properties": {
            "table": {"type": "string", "enum": [table]},
            "study": {"type": "string", "description": "The study's short name."},
            "labels": {"type": "string", "enum": ["nl", "en", "codes"]},
            "time_zone": {"type": "string", "description": "The time zone of every time."},
            "columns": {"type": "array", "items": {"$ref": "#/components/schemas/Column"}},
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{_name(table)}"}},
            "next": {
                "type": "string",
                "nullable": True,
                "description": "The URL of the next page (the same filters and limit, and a "
                "cursor); null on the last page"
                + ("." if table in PAGED else ": this table always comes whole."),
            },
        },
        "example": {
            "table": table,
            "study": "demo",
            "labels": "nl",
            "time_zone": "Europe/Amsterdam",
            "columns": _example_columns(table),
            "data": [EXAMPLES[table]],
            "next": example_next if table in PAGED else None,
        },
    }


def schemas() -> dict:
    """Components for the read endpoints."""
    found = {
        "Column": {
            "type": "object",
            "required": ["name", "type"],
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string", "enum": sorted(set(COLUMN_TYPES.values()))},
            },
        }
    }
    for table in TABLES:
        found[_name(table)] = _row(table)
        found[f"{table.title()}Page"] = _page(table)
    return {**found, **INDICATOR_SCHEMAS}


def _parameters(table: str) -> list[dict]:
    """The path and query parameters of a table's operation."""
    found = [
        SLUG_PARAMETER,
        query(
            "format",
            {"type": "string", "enum": ["json", "csv"], "default": "json"},
            "json: a page of rows; csv: the whole table as one streamed CSV file "
            "(UTF-8 with a BOM, comma-separated, a header row; limit and cursor do not apply).",
        ),
        query(
            "labels",
            {"type": "string", "enum": ["nl", "en", "codes"], "default": "nl"},
            "Codes, review states and site types as Dutch labels, English labels or raw codes, "
            "as in the workbook.",
        ),
    ]
    if table not in PAGED:
        return found
    return [
        *found,
        query(
            "site",
            {"type": "array", "items": {"type": "string"}},
            "Only sessions at this site, and their records: the site's id (a number) or its "
            "exact name. Repeat for several sites.",
            style="form",
            explode=True,
        ),
        query(
            "from",
            {"type": "string", "format": "date"},
            "Only sessions that started on or after this local day (YYYY-MM-DD).",
        ),
        query(
            "to",
            {"type": "string", "format": "date"},
            "Only sessions that started on or before this local day (YYYY-MM-DD).",
        ),
        query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "Rows per JSON page.",
        ),
        query(
            "cursor",
            {"type": "string", "maxLength": 400},
            "Where the page starts: copied from the previous page's `next` URL (opaque). "
            "Absent or empty: the first page.",
        ),
    ]


def _description(table: str) -> str:
    """What an operation says about paging and access."""
    access = (
        " Research leads and coordinators of the study, and the admin, may read it; other "
        "members get 403, everyone else 404."
    )
    if table not in PAGED:
        return "Always the whole table (it is short); `next` is null." + access
    return (
        f"JSON pages in the order of {KEYS[table]}, which never changes and grows as records "
        "are added: follow `next` (also in the Link header) until it is null, and no row is "
        "lost or repeated, even while phones keep sending records. A record shows a few "
        "seconds after it was received (the server's TERLOOPS_API_SETTLE_SECONDS, 5 by "
        "default), so that one whose sync is still committing never ends up behind the "
        "cursor; the CSV holds what a walk at that moment would. Filters apply to the "
        "sessions and, through them, to their records; the workbook's sheet has the same "
        "columns, except that codebook_version is always present here." + access
    )


def _error(description: str) -> dict:
    """An error answer."""
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def paths() -> dict:
    """The read endpoints' paths."""
    found = {}
    for table in TABLES:
        found[f"/studies/{{slug}}/{table}"] = {
            "get": {
                "summary": SUMMARIES[table],
                "description": _description(table),
                "operationId": f"read{table.title()}",
                "security": [{"bearerAuth": []}, {"cookieAuth": []}],
                "parameters": _parameters(table),
                "responses": {
                    "200": {
                        "description": "A page of rows (JSON), or the whole table (CSV)",
                        "headers": {
                            "Link": {
                                "description": 'The next page: <URL>; rel="next"',
                                "schema": {"type": "string"},
                            }
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{table.title()}Page"}
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _error("A parameter is wrong: a message per parameter in errors"),
                    "401": _error("Not authenticated"),
                    "403": _error(
                        "A member of the study without the research lead or coordinator role"
                    ),
                    "404": _error("No such study, or not yours"),
                },
            }
        }
    return {**found, **INDICATOR_PATHS}
