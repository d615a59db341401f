"""THE route × role table: for every route, who may call it, with whose objects in its URL.

One Row per (endpoint, method[, variant]); test_route_matrix.py calls each as all eight actors
(world.py) and compares the answers with `expect`, and test_page_sweep.py visits every GET page
that a fieldworker, lead, coordinator, admin or anonymous visitor may open. A route without a
row fails the test, and so does a row whose route is gone.

Adding a route? Add a row next to its blueprint's rows, e.g.

    Row("manage.sites", "GET", in_study("a", "coordinator")),
    Row("manage.site", "POST", in_study("a", "coordinator"), params={"site_id": "site of study a"},
        form={"name": "Nieuwe naam"}),

- `expect`: start from a group and name the exceptions: everyone(), signed_in(), admin_only(),
  in_study("a", *roles, admin=OK|FORBIDDEN, actor=OUTCOME...). Outcomes: OK, LOGIN, FORBIDDEN,
  NOT_FOUND (rows.py says what each means).
- URL parameters name objects of the world ("export of lead_a", "session of fieldworker_a2",
  "study b"; add what a new route needs to world.build). A route that takes an object's id
  gets a variant row for an object of someone else (another user, another study): 404, or 403
  where the view says so.
- A POST carries a small body (`form` or `json`) that passes the access checks; 400/422 from
  validating it still counts as OK. `check` asserts more about an OK answer (e.g. per-record
  results of the sync API).
"""

import itertools
import uuid

from tests.access import areas
from tests.access.rows import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    Row,
    admin_only,
    everyone,
    in_study,
    outcomes,
    signed_in,
)
from tests.access.world import USERNAMES, session_records
from tests.factories import PASSWORD

MEMBERS_OF_A = ("fieldworker_a", "fieldworker_a2", "lead_a", "coordinator_a")
RESEARCH = ("lead", "coordinator")
EVERY_ROLE = ("fieldworker", "lead", "coordinator")
# Study B's object in a URL of study A: not found, also for those who may use the route in A.
NOT_IN_A = {"lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND, "admin": NOT_FOUND}


def new_session_in_a(world, _actor) -> dict:
    """A new session at study A's site with an encounter, for whoever sends it."""
    site, zones = world["site of study a"], world["zones of study a"]
    return {"records": list(session_records(world["study a"], site, zones))}


def correction_of(owner: str):
    """A correction of an encounter the owner recorded, one revision higher at every call."""
    revisions = itertools.count(2)

    def body(world, _actor) -> dict:
        record = {**world[f"encounter of {owner}"], "revision": next(revisions), "relation": None}
        return {"records": [record]}

    return body


def encounter_in_session_of(owner: str):
    """A new encounter in the owner's open session."""

    def body(world, _actor) -> dict:
        record = {**world[f"encounter of {owner}"], "uuid": str(uuid.uuid4())}
        return {"records": [record]}

    return body


def sync_results(default: str = "invalid", **per_actor: str):
    """Check each record's status in a sync answer: `default`, or per actor (e.g. lead_a=...)."""

    def check(response, _world, actor) -> None:
        expected = per_actor.get(actor, default)
        statuses = [r["status"] for r in response.get_json()["results"]]
        assert statuses and set(statuses) == {expected}, (expected, response.get_json())

    return check


ROWS = [
    # -- main: home, study choice, the service worker
    Row("main.home", "GET", signed_in()),
    Row("main.studies", "GET", signed_in()),
    Row("main.service_worker", "GET", everyone()),
    Row("static", "GET", everyone(), params={"filename": "a static file"}),
    # -- auth: login, language, account, password, tokens
    Row("auth.login", "GET", everyone()),
    Row(
        "auth.login",
        "POST",
        everyone(),
        form={"username": USERNAMES["fieldworker_b"], "password": PASSWORD},
    ),
    Row("auth.logout", "POST", signed_in(), form={}),
    Row("auth.logout_everywhere", "POST", signed_in(), form={}),
    Row("auth.language", "POST", everyone(), form={"locale": "en", "next": "/"}),
    Row("auth.account", "GET", signed_in()),
    Row("auth.account", "POST", signed_in(), form={"display_name": "Nieuwe naam", "locale": "nl"}),
    Row("auth.change_password", "POST", signed_in(), form={}),
    Row("auth.create_token", "POST", signed_in(), form={"name": "tablet"}),
    Row(
        "auth.revoke_token",
        "POST",
        outcomes(NOT_FOUND, anonymous=LOGIN, fieldworker_a=OK),
        params={"token_id": "token of fieldworker_a"},
        form={},
    ),
    Row(
        "auth.revoke_token",
        "POST",
        outcomes(NOT_FOUND, anonymous=LOGIN, lead_b=OK),
        variant="token of lead_b",
        params={"token_id": "token of lead_b"},
        form={},
    ),
    # -- admin
    Row("admin.index", "GET", admin_only()),
    Row("admin.create_study", "POST", admin_only(), form={}),
    Row("admin.archive_study", "POST", admin_only(), params={"study_id": "id of study b"}, form={}),
    Row("admin.reopen_study", "POST", admin_only(), params={"study_id": "id of study b"}, form={}),
    # -- API: each actor calls these twice, logged in (with X-CSRFToken) and with an API token
    Row("api.openapi_document", "GET", everyone()),
    Row("api.csrf_token", "GET", signed_in()),
    Row("api.capture", "GET", in_study("a", *EVERY_ROLE, admin=NOT_FOUND)),
    Row(
        "api.session",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN, fieldworker_a=OK),
        params={"uuid": "session of fieldworker_a"},
    ),
    Row(
        "api.session",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN, fieldworker_a2=OK),
        variant="session of fieldworker_a2",
        params={"uuid": "session of fieldworker_a2"},
    ),
    Row(
        "api.session",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN, fieldworker_b=OK),
        variant="session in study b",
        params={"uuid": "session of fieldworker_b"},
    ),
    Row(
        "api.session",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN),
        variant="not a UUID",
        params={"uuid": "not a uuid"},
    ),
    Row(
        "api.sync",
        "POST",
        signed_in(),
        json=new_session_in_a,
        check=sync_results("invalid", **dict.fromkeys(MEMBERS_OF_A, "created")),
    ),
    Row(
        "api.sync",
        "POST",
        signed_in(),
        variant="correcting fieldworker_a's encounter",
        json=correction_of("fieldworker_a"),
        check=sync_results("invalid", fieldworker_a="updated"),
    ),
    Row(
        "api.sync",
        "POST",
        signed_in(),
        variant="adding to fieldworker_a's session",
        json=encounter_in_session_of("fieldworker_a"),
        check=sync_results("invalid", fieldworker_a="created"),
    ),
    Row(
        "api.sync",
        "POST",
        signed_in(),
        variant="adding to a session in study b",
        json=encounter_in_session_of("fieldworker_b"),
        check=sync_results("invalid", fieldworker_b="created"),
    ),
    # -- field: every member may observe; the admin is no member
    Row("field.index", "GET", in_study("a", *EVERY_ROLE, admin=FORBIDDEN)),
    Row("field.start", "GET", in_study("a", *EVERY_ROLE, admin=FORBIDDEN)),
    Row("field.session", "GET", in_study("a", *EVERY_ROLE, admin=FORBIDDEN)),
    Row(
        "field.index",
        "GET",
        in_study("b", *EVERY_ROLE, admin=FORBIDDEN),
        variant="study b",
        params={"slug": "study b"},
    ),
    Row(
        "field.index",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN),
        variant="no such study",
        params={"slug": "no such study"},
    ),
    # -- research: leads and coordinators, and the admin
    Row("research.index", "GET", in_study("a", *RESEARCH)),
    Row(
        "research.index",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b"},
    ),
    Row(
        "research.index",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN),
        variant="no such study",
        params={"slug": "no such study"},
    ),
    Row("research.export_page", "GET", in_study("a", *RESEARCH)),
    Row(
        "research.export_page",
        "GET",
        in_study("a", *RESEARCH, coordinator_a=NOT_FOUND, admin=NOT_FOUND),
        variant="preset of lead_a",
        query={"preset": "preset of lead_a"},
    ),
    Row(
        "research.export_page",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="preset of lead_b",
        query={"preset": "preset of lead_b"},
    ),
    Row("research.export_page", "POST", in_study("a", *RESEARCH), form={}),
    Row(
        "research.delete_preset",
        "POST",
        in_study("a", *RESEARCH, coordinator_a=NOT_FOUND, admin=NOT_FOUND),
        params={"preset_id": "preset of lead_a"},
        form={},
    ),
    Row(
        "research.delete_preset",
        "POST",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="preset of lead_b",
        params={"preset_id": "preset of lead_b"},
        form={},
    ),
    Row(
        "research.job_status",
        "GET",
        in_study("a", *RESEARCH),
        params={"job_id": "export of lead_a"},
    ),
    Row(
        "research.job_status",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="export of lead_b",
        params={"job_id": "export of lead_b"},
    ),
    Row(
        "research.job_status",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b", "job_id": "export of lead_b"},
    ),
    Row(
        "research.download", "GET", in_study("a", *RESEARCH), params={"job_id": "export of lead_a"}
    ),
    Row(
        "research.download",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="export of lead_b",
        params={"job_id": "export of lead_b"},
    ),
    Row(
        "research.download",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b", "job_id": "export of lead_b"},
    ),
    Row(
        "research.delete_job",
        "POST",
        in_study("a", *RESEARCH, coordinator_a=FORBIDDEN, admin=FORBIDDEN),
        params={"job_id": "export of lead_a"},
        form={},
    ),
    Row(
        "research.delete_job",
        "POST",
        in_study("a", *RESEARCH, lead_a=FORBIDDEN, admin=FORBIDDEN),
        variant="export of coordinator_a",
        params={"job_id": "export of coordinator_a"},
        form={},
    ),
    Row(
        "research.delete_job",
        "POST",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="export of lead_b",
        params={"job_id": "export of lead_b"},
        form={},
    ),
    # -- manage: coordinators and the admin
    Row("manage.index", "GET", in_study("a", "coordinator")),
    Row(
        "manage.index",
        "GET",
        in_study("b", "coordinator"),
        variant="study b",
        params={"slug": "study b"},
    ),
    Row(
        "manage.index",
        "GET",
        outcomes(NOT_FOUND, anonymous=LOGIN),
        variant="no such study",
        params={"slug": "no such study"},
    ),
    Row("manage.queue", "GET", in_study("a", "coordinator")),
    Row("manage.queue", "POST", in_study("a", "coordinator"), form={}),
]
ROWS += [row for module in areas.modules("rows") for row in module.ROWS]
