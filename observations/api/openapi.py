"""The OpenAPI 3 document of /api/v1, with a valid example record of every kind.

The examples describe one session at the first site of the demo study (`flask demo`) and a
scan, an encounter, a note and a people-moving count (at the site's counting line) within
it, so posting them as the demo fieldworker works.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import PASSER_GROUPS, PASSER_MODES, Encounter, FieldNote, Site, Study
from ..studies import SLUG_PATTERN
from ..sync.passers import MAX_PASSERS
from ..text import rule_of
from . import openapi_read

NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
CODE = {"type": "string", "maxLength": 40}
CODES = {"type": "array", "items": CODE, "uniqueItems": True}
ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
SESSION_UUID = "6f1c2a52-5c1e-4f3b-9d2a-1b7e0c9a4d10"


def _record(kind: str, required: list[str], properties: dict, example: dict) -> dict:
    """The schema of one record kind."""
    return {
        "type": "object",
        "description": f"A {kind} record as the phone sends it.",
        "required": ["uuid", "kind", *required],
        "properties": {
            "uuid": {
                "type": "string",
                "format": "uuid",
                "description": "Generated on the phone when the record is tapped.",
            },
            "kind": {"type": "string", "enum": [kind]},
            "revision": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2147483647,
                "default": 1,
                "description": "1 for a new record; higher for each correction.",
            },
            "device_time": {**NULLABLE_TIME, "description": "The phone's clock at saving."},
            "codebook_version": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2147483647,
                "description": "Codebook version it was coded with "
                "(default: the study's current one).",
            },
            "retracted": {
                "type": "boolean",
                "default": False,
                "description": "true withdraws the record (undo); it stays audited.",
            },
            **properties,
        },
        "example": example,
    }


def _demo_place() -> tuple[int, list[int], int]:
    """The first site of the demo study, its zones and its counting line (fresh-demo ids
    if it is absent)."""
    study = db.session.scalar(select(Study).filter_by(slug="demo"))
    site = study and db.session.scalar(select(Site).filter_by(study_id=study.id).order_by(Site.id))
    if site is None or len(site.zones) < 2:
        return 1, [1, 2], 1
    line = next((zone.id for zone in site.zones if zone.counting_line), site.zones[0].id)
    return site.id, [zone.id for zone in site.zones], line


def _examples() -> dict[str, dict]:
    """One valid record of each kind, for the demo fieldworker in the demo study."""
    site, zones, line = _demo_place()
    session = {
        "uuid": SESSION_UUID,
        "kind": "session",
        "revision": 1,
        "study": "demo",
        "site": site,
        "zones": zones,
        "slot": None,
        "started_at": "2026-05-01T14:00:00+02:00",
        "ended_at": None,
        "weather": ["indoors"],
        "temperature_c": None,
        "crowding": "moderate",
        "programme": "none",
        "device_time": "2026-05-01T14:00:05+02:00",
        "codebook_version": 1,
    }
    scan = {
        "uuid": "0e6a3c58-2f4b-4d7e-8a15-3c9b6d2e7f01",
        "kind": "scan",
        "revision": 1,
        "session": SESSION_UUID,
        "zone": zones[0],
        "observed_at": "2026-05-01T14:05:00+02:00",
        "counts": {
            "age": {"25-64": 3, "65+": 2},
            "gender": {"man": 2, "woman": 3},
            "activity": {"reading_games": 4, "conversing": 1},
        },
        "conditions": ["accessible", "well_lit"],
        "codebook_version": 1,
    }
    encounter = {
        "uuid": "9b2d4f6a-1c3e-4a5b-8d7f-2e4c6a8b0d12",
        "kind": "encounter",
        "revision": 1,
        "session": SESSION_UUID,
        "zone": zones[1],
        "occurred_at": "2026-05-01T14:12:30+02:00",
        "encounter_type": "short_chat",
        "parties": "visitor_visitor",
        "relation": "recognised",
        "flags": ["across_ages"],
        "note": "over het weer",
        "codebook_version": 1,
    }
    note = {
        "uuid": "3f5e7a9c-2b4d-4c6e-9f1a-3b5d7f9a1c23",
        "kind": "note",
        "revision": 1,
        "session": SESSION_UUID,
        "zone": None,
        "written_at": "2026-05-01T14:20:00+02:00",
        "text": "Na schooltijd wordt het drukker bij de kinderhoek.",
        "codebook_version": 1,
    }
    passers = {
        "uuid": "5c7e9a1b-3d5f-4a7c-8e9b-4d6f8a0c2e34",
        "kind": "passers",
        "revision": 1,
        "session": SESSION_UUID,
        "zone": line,
        "started_at": "2026-05-01T14:30:00+02:00",
        "minutes": 10,
        "counts": {
            "mode": {"on_foot": 38, "bicycle": 2, "wheelchair": 1, "pushchair": 3},
            "gender": {"man": 19, "woman": 23},
            "age": {"0-14": 6, "15-24": 9, "25-64": 22, "65+": 7},
            "group": {"alone": 24, "pair": 14, "group": 6},
        },
        "codebook_version": 1,
    }
    return {
        "session": session,
        "scan": scan,
        "encounter": encounter,
        "note": note,
        "passers": passers,
    }


CLOSED_EXAMPLE = {
    "uuid": "2a4c6e8f-1b3d-4f5a-9c7e-0d2f4a6c8e10",
    "study": "demo",
    "site": 1,
    "site_name": "Nieuwe Bibliotheek Almere",
    "started_at": "2026-05-01T12:00:00+00:00",
    "ended_at": "2026-05-01T13:41:00+00:00",
    "closed_automatically": True,
    "auto_closed_at": "2026-05-01T17:10:00+00:00",
}


def _closed_session() -> dict:
    """A session the server closed because its fieldworker did not end it."""
    time = {"type": "string", "format": "date-time"}
    return {
        "type": "object",
        "description": "A session of yours that was still open hours after its planned end "
        "(or its longest unplanned length): the server ended it at its last record's time. "
        "Records of it sent later are still stored (for review) and move the end; your own "
        "end of it, sent as a correction, becomes its end once.",
        "required": ["uuid", "study", "ended_at", "closed_automatically", "auto_closed_at"],
        "properties": {
            "uuid": {"type": "string", "format": "uuid"},
            "study": {"type": "string"},
            "site": ID,
            "site_name": {"type": "string"},
            "started_at": time,
            "ended_at": {**time, "description": "The end the server gave it."},
            "closed_automatically": {"type": "boolean", "enum": [True]},
            "auto_closed_at": {**time, "description": "When the server closed it."},
        },
        "example": CLOSED_EXAMPLE,
    }


def _passer_counts() -> dict:
    """The counts of a people-moving count: people per mode, and optional breakdowns."""
    people = {"type": "integer", "minimum": 0, "maximum": MAX_PASSERS}

    def per(codes=None) -> dict:
        if codes is None:
            return {"type": "object", "additionalProperties": people}
        return {
            "type": "object",
            "properties": dict.fromkeys(codes, people),
            "additionalProperties": False,
        }

    return {
        "type": "object",
        "description": "{category: {code: people}}: everyone who passed by mode "
        "(wheelchair: wheelchair or other mobility aid; pushchair: carried in a pushchair "
        "or pram), and optionally by perceived gender and age band (the codebook's gender "
        "and age codes) and by the size of the group they walked in (alone, pair, group: "
        "3–7, large_group: 8 or more). A breakdown never holds more people than the modes.",
        "required": ["mode"],
        "properties": {
            "mode": per(PASSER_MODES),
            "gender": per(),
            "age": per(),
            "group": per(PASSER_GROUPS),
        },
        "additionalProperties": False,
    }


def _schemas() -> dict:
    """Components: the record kinds, the sync request and response, errors."""
    examples = _examples()
    child = {
        "session": {
            "type": "string",
            "format": "uuid",
            "description": "UUID of the session the record belongs to.",
        },
        "study": {
            "type": "string",
            "maxLength": 40,
            "description": "Short name of the study (optional).",
        },
    }
    return {
        "SessionRecord": _record(
            "session",
            ["study", "site", "zones", "started_at"],
            {
                "study": {"type": "string", "maxLength": 40, "description": "Study short name."},
                "site": ID,
                "zones": {"type": "array", "items": ID, "minItems": 1, "uniqueItems": True},
                "slot": {**ID, "nullable": True, "description": "The planned slot, if any."},
                "started_at": {"type": "string", "format": "date-time"},
                "ended_at": {**NULLABLE_TIME, "description": "Set by the correction that ends it."},
                "weather": CODES,
                "temperature_c": {
                    "type": "number",
                    "minimum": -50,
                    "maximum": 60,
                    "nullable": True,
                },
                "crowding": {**CODE, "nullable": True},
                "programme": {**CODE, "nullable": True},
            },
            examples["session"],
        ),
        "ScanRecord": _record(
            "scan",
            ["session", "zone", "observed_at", "counts"],
            {
                **child,
                "zone": ID,
                "observed_at": {"type": "string", "format": "date-time"},
                "counts": {
                    "type": "object",
                    "description": "{category: {code: people}}",
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 9999},
                    },
                },
                "conditions": CODES,
            },
            examples["scan"],
        ),
        "EncounterRecord": _record(
            "encounter",
            ["session", "occurred_at", "encounter_type"],
            {
                **child,
                "zone": {**ID, "nullable": True},
                "occurred_at": {"type": "string", "format": "date-time"},
                "encounter_type": CODE,
                "parties": {**CODE, "nullable": True},
                "relation": {**CODE, "nullable": True},
                "flags": CODES,
                "note": {"type": "string", "maxLength": rule_of(Encounter.note).longest},
            },
            examples["encounter"],
        ),
        "NoteRecord": _record(
            "note",
            ["session", "written_at", "text"],
            {
                **child,
                "zone": {**ID, "nullable": True},
                "written_at": {"type": "string", "format": "date-time"},
                "text": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": rule_of(FieldNote.text).longest,
                },
            },
            examples["note"],
        ),
        "PassersRecord": _record(
            "passers",
            ["session", "zone", "started_at", "counts"],
            {
                **child,
                "zone": {
                    **ID,
                    "description": "A zone of the session marked as a counting line.",
                },
                "started_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "When the counting period began.",
                },
                "minutes": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 60,
                    "default": 10,
                    "description": "The length of the counting period.",
                },
                "counts": _passer_counts(),
            },
            examples["passers"],
        ),
        "Record": {
            "oneOf": [
                {"$ref": f"#/components/schemas/{n}Record"}
                for n in ("Session", "Scan", "Encounter", "Note", "Passers")
            ],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    k: f"#/components/schemas/{k.title()}Record"
                    for k in ("session", "scan", "encounter", "note", "passers")
                },
            },
        },
        "SyncRequest": {
            "type": "object",
            "required": ["records"],
            "properties": {
                "records": {
                    "type": "array",
                    "maxItems": 500,
                    "items": {"$ref": "#/components/schemas/Record"},
                }
            },
            "example": {"records": list(examples.values())},
        },
        "SyncResult": {
            "type": "object",
            "required": ["uuid", "status"],
            "properties": {
                "uuid": {"type": "string", "nullable": True},
                "status": {
                    "type": "string",
                    "enum": ["created", "updated", "duplicate", "conflict", "invalid"],
                },
                "errors": {
                    "type": "object",
                    "description": "{field: [messages]}",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "notice": {
                    "type": "string",
                    "description": "What the user should know besides the status, in their "
                    "language: e.g. that the record's session was closed automatically by "
                    "the server and the record is stored for review.",
                },
            },
        },
        "ClosedSession": _closed_session(),
        "SyncResponse": {
            "type": "object",
            "required": ["results", "server_time", "closed_sessions"],
            "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SyncResult"}},
                "server_time": {"type": "string", "format": "date-time"},
                "closed_sessions": {
                    "type": "array",
                    "description": "Your sessions the server closed automatically in the last "
                    "days because they were not ended (see ClosedSession).",
                    "items": {"$ref": "#/components/schemas/ClosedSession"},
                },
            },
            "example": {
                "results": [{"uuid": SESSION_UUID, "status": "created"}],
                "server_time": "2026-05-02T09:00:00+00:00",
                "closed_sessions": [CLOSED_EXAMPLE],
            },
        },
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "description": "A short title, e.g. 'Too large'."},
                "message": {"type": "string", "description": "What to do, in your language."},
                "errors": {
                    "type": "object",
                    "description": "{field: [messages]}, when a value could not be stored.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "Labels": {
            "type": "object",
            "properties": {"nl": {"type": "string"}, "en": {"type": "string"}},
        },
        "CaptureData": {
            "type": "object",
            "required": ["study", "codebook", "sites", "slots", "open_sessions"],
            "properties": {
                "study": {"type": "object"},
                "observer_code": {"type": "string", "nullable": True},
                "codebook": {
                    "type": "object",
                    "properties": {
                        "version": {"type": "integer"},
                        "categories": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "scan_rules": {
                    "type": "object",
                    "description": "A scan's arithmetic: categories counted exactly once "
                    "(exactly_one) and at most once (at_most_one) per person, the zone "
                    "condition meaning nobody is there (empty), category labels (labels)",
                },
                "sites": {"type": "array", "items": {"type": "object"}},
                "slots": {"type": "array", "items": {"type": "object"}},
                "open_sessions": {"type": "array", "items": {"type": "object"}},
                "closed_sessions": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ClosedSession"},
                },
            },
        },
        "SessionRecords": {
            "type": "object",
            "required": ["records"],
            "properties": {
                "records": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}
            },
        },
    }


def _json(schema: str) -> dict:
    """A JSON response body of a component schema."""
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _errors(*codes: int) -> dict:
    """The error responses an operation can give; any can answer 429 (api/limits.py)."""
    texts = {
        400: "Bad request: not JSON, nested too deeply, or a missing CSRF token",
        401: "Not authenticated",
        404: "Not found, or not yours",
        413: "Too many records or bytes (counted as read, chunked or not)",
        422: "A value could not be stored",
        429: "Too many requests from this token, login or address (API_LIMITS): retry "
        "after the Retry-After seconds",
        503: "Database busy: retry after the Retry-After seconds",
    }
    return {str(code): {"description": texts[code], **_json("Error")} for code in (*codes, 429)}


def document() -> dict:
    """The whole OpenAPI document."""
    secured = [{"bearerAuth": []}, {"cookieAuth": [], "csrfToken": []}]
    uuid_param = {
        "name": "uuid",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }
    slug_param = {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": SLUG_PATTERN.pattern},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Terloops API",
            "version": "1",
            "description": "Sync for the offline capture app, and read access for "
            "analysis tools. Authenticate with a personal API token "
            "(Authorization: Bearer …) or the browser session plus "
            "its CSRF token in X-CSRFToken (not needed to read). "
            "The read endpoints /studies/{slug}/sessions, scans, encounters, notes, passers, "
            "sites and codebook give the Excel export's sheets with the same columns and labels: "
            "JSON in pages (follow `next`), or ?format=csv for the whole table. "
            "/studies/{slug}/indicators gives the dashboards' indicators in one JSON object, "
            "or one figure's table with ?format=csv&figure=NAME.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/sync": {
                "post": {
                    "summary": "Store records from a phone",
                    "description": "One result per record, in order: created, updated "
                    "(a correction with a higher revision while the session is "
                    "open), duplicate (identical, or older than stored), conflict "
                    "(same revision, other content; the stored one is kept) or "
                    "invalid (with messages per field). One bad record never "
                    "rejects the rest. A result may carry a notice, e.g. for a record "
                    "stored into a session the server closed automatically; the reply "
                    "lists such sessions of yours in closed_sessions (an empty batch "
                    "asks for just that).",
                    "operationId": "sync",
                    "security": secured,
                    "requestBody": {"required": True, **_json("SyncRequest")},
                    "responses": {
                        "200": {"description": "A result per record", **_json("SyncResponse")},
                        **_errors(400, 401, 413, 422, 503),
                    },
                }
            },
            "/studies/{slug}/capture": {
                "get": {
                    "summary": "Sites, zones, codebook and your slots in a study",
                    "operationId": "captureData",
                    "security": secured,
                    "parameters": [slug_param],
                    "responses": {
                        "200": {"description": "Capture data", **_json("CaptureData")},
                        **_errors(401, 404),
                    },
                }
            },
            "/sessions/{uuid}": {
                "get": {
                    "summary": "One of your sessions with all its records",
                    "operationId": "sessionRecords",
                    "security": secured,
                    "parameters": [uuid_param],
                    "responses": {
                        "200": {
                            "description": "The session and its records",
                            **_json("SessionRecords"),
                        },
                        **_errors(401, 404),
                    },
                }
            },
            "/csrf-token": {
                "get": {
                    "summary": "A fresh CSRF token for the browser session",
                    "operationId": "csrfToken",
                    "security": secured,
                    "responses": {
                        "200": {
                            "description": "The token",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["csrf_token"],
                                        "properties": {"csrf_token": {"type": "string"}},
                                    }
                                }
                            },
                        },
                        **_errors(401),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            **openapi_read.paths(),
        },
        "components": {
            "schemas": {**_schemas(), **openapi_read.schemas()},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token from your account page.",
                },
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
    }
