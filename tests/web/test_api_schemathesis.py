"""schemathesis against /api/v1/openapi.json: no server errors, answers match the schema.

Driven through schemathesis' Python API and Hypothesis (its pytest plugin does not work
with pytest 9). Two phases, as schemathesis' own runner has them:
- coverage: the deterministic edge cases of every operation, positive and negative, and
  every method the document does not list (405 with an `Allow` header, OPTIONS listing
  exactly the documented methods);
- fuzzing: Hypothesis-generated requests per operation, in positive and negative mode.
Every case that is sent is counted; a run sends at least MIN_CASES, and prints the figure.
TERLOOPS_FULL_FUZZ=1 generates about three times as many requests per operation.

The sync and capture operations are called with the demo fieldworker's token, the read
endpoints (api/reading.py, and the indicators) with the demo lead's, and their generated
cases read the demo study (another slug would only ever be 404; the coverage phase still
sends those).
"""

import os

import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from observations import tokens
from observations.extensions import db
from observations.models import User
from tests import snapshots

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
COVERAGE_CHECKS = [*CHECKS, unsupported_method, allow_header_conformance]
MIN_CASES = 1000
# Generated examples per operation and mode; sync, the operation that stores, gets most.
# TERLOOPS_FULL_FUZZ=1 sends about three times as many (CI sends these: the coverage phase's
# deterministic cases, 1,900 of them, are sent in full either way).
FULL = os.environ.get("TERLOOPS_FULL_FUZZ") == "1"
EXAMPLES = {"POST /sync": 300 if FULL else 100}
DEFAULT_EXAMPLES = 60 if FULL else 20
READ_TABLES = ("sessions", "scans", "encounters", "notes", "passers", "sites", "codebook")
READ_OPERATIONS = {f"GET /studies/{{slug}}/{table}" for table in READ_TABLES}
# The indicators (api/indicator_reading.py) compute every dashboard figure per request.
READ_OPERATIONS.add("GET /studies/{slug}/indicators")
# The read endpoints answer from the whole demo study: fewer examples keep the run short.
EXAMPLES |= dict.fromkeys(READ_OPERATIONS, 25 if FULL else 10)


def _operations(app) -> tuple[list, dict]:
    """The documented operations, and the headers of each one's requests."""
    # Thousands of requests a minute with one token: the API limit (test_api_limits.py)
    # would answer most of them 429.
    app.config["API_LIMITS"] = "1000000 per minute"
    plain = {}
    snapshots.demo(app)
    with app.app_context():
        for username in ("fieldworker", "lead"):
            user = db.session.scalar(sa.select(User).filter_by(username=username))
            _token, plain[username] = tokens.create_token(user, "schemathesis")
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    headers = {}
    for operation in operations:
        user = "lead" if operation.label in READ_OPERATIONS else "fieldworker"
        # schemathesis advertises Brotli but its WSGI transport does not decode it.
        headers[operation.label] = {
            "Authorization": f"Bearer {plain[user]}",
            "Accept-Encoding": "identity",
        }
    return operations, headers


def _coverage(operation, headers: dict) -> int:
    """Send the coverage phase's cases of one operation; return how many were sent."""
    schema = operation.schema
    cases = schema.iter_coverage_cases(
        operation,
        generation_modes=list(GenerationMode),
        generation_config=schema.config.generation_for(operation=operation),
    )
    sent = 0
    for case in cases:
        case.call_and_validate(headers=headers, checks=COVERAGE_CHECKS)
        sent += 1
    return sent


def _fuzz(operation, mode: GenerationMode, headers: dict) -> int:
    """Send Hypothesis-generated cases of one operation in one mode; return how many."""
    sent = [0]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES.get(operation.label, DEFAULT_EXAMPLES),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        sent[0] += 1
        if operation.label in READ_OPERATIONS:
            case.path_parameters["slug"] = "demo"
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
    return sent[0]


def test_every_operation_survives_generated_requests(app):
    operations, headers = _operations(app)
    labels = {operation.label for operation in operations}
    assert {"POST /sync", "GET /studies/{slug}/capture", "GET /sessions/{uuid}"} <= labels
    assert labels >= READ_OPERATIONS

    sent: dict[str, int] = {}
    for operation in operations:
        own = headers[operation.label]
        sent[f"{operation.label} coverage"] = _coverage(operation, own)
        for mode in GenerationMode:
            sent[f"{operation.label} {mode.value}"] = _fuzz(operation, mode, own)

    total = sum(sent.values())
    print(f"\nschemathesis: {total} generated cases sent")
    for name, count in sent.items():
        print(f"  {name:<42} {count:>5}")
    assert total >= MIN_CASES, sent
    assert all(sent[f"{label} coverage"] for label in labels), "every operation's coverage ran"
