"""API views: thin wrappers around the sync and capture services."""

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from .. import json_input
from ..access import membership_in
from ..body_limit import body_limit, read_body
from ..capture import capture_data
from ..extensions import db
from ..models import Session, Study, utcnow
from ..review.forgotten import any_recently_closed, closed_entry, recently_closed
from ..sync import MAX_BATCH, Owner, sync_records
from ..sync.fields import FieldError, a_uuid, iso
from ..sync.records import load_session, session_records
from . import bp, openapi
from .auth import api_user, api_user_id, authenticated


def _error(status: int, error: str, message: str):
    """A JSON error answer."""
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def _too_large(limit: int) -> str:
    """What a phone is told when its batch has too many bytes."""
    return _("Send at most %(n)d kB per request; split the queue into batches.", n=limit // 1024)


def _request_json():
    """The request's JSON value, or None when it is not JSON (TooDeep when nested too deeply)."""
    if not request.is_json:
        return None
    try:
        return json_input.loads(read_body())
    except json_input.NotJSON:
        return None


@bp.post("/sync")
@body_limit("SYNC_MAX_BYTES", _too_large)
@authenticated
def sync():
    """Store a batch of records; one result per record, in order."""
    try:
        data = _request_json()
    except json_input.TooDeep as error:
        return _error(400, _("Bad request"), str(error))
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        return _error(
            400,
            _("Bad request"),
            _('Send JSON like {"records": [...]} with Content-Type application/json.'),
        )
    records = data["records"]
    if len(records) > MAX_BATCH:
        return _error(
            413, _("Too large"), _("Send at most %(n)d records per request.", n=MAX_BATCH)
        )
    owner = Owner(api_user_id())
    closed: list[dict] | None = None

    def closed_sessions() -> None:
        nonlocal closed
        closed = [closed_entry(s) for s in recently_closed(owner.id)]

    # The answer lists the sessions the server closed lately. Almost always there is none,
    # and a batch closes none (it may reopen one): the look-up of the caller, before the
    # batch, says so (closed_lately), on SQLite before the writer's turn is taken, and then
    # nothing is read after it. A session the server closes meanwhile is in the next
    # answer. Otherwise the list is read in the batch's own transaction (PostgreSQL then
    # needs no second one), except on SQLite: there a write transaction holds the one
    # writer's turn (sqlite_writes.py) that every other sync waits for, and a read after the
    # commit needs no turn.
    if not closed_lately():
        closed = []
    in_batch = closed is None and db.engine.dialect.name != "sqlite"
    try:
        results = sync_records(owner, records, before_commit=closed_sessions if in_batch else None)
    except OperationalError:
        response = _error(503, _("Busy"), _("The database is busy. Try again shortly."))
        response.headers["Retry-After"] = "5"
        return response
    if closed is None:  # read after the commit (SQLite), or stored record by record
        closed_sessions()
    return jsonify(results=results, server_time=iso(utcnow()), closed_sessions=closed)


def closed_lately() -> bool:
    """Whether the server ended a session of the API user lately: as the look-up of the
    caller said (auth.py), or else asked now."""
    closed = g.get("api_closed_lately")
    return any_recently_closed(api_user_id()) if closed is None else closed


def _member_study(slug: str) -> Study:
    """A study the API user takes part in, or 404."""
    study = db.session.scalar(select(Study).filter_by(slug=slug))
    if study is None or membership_in(api_user(), study) is None:
        abort(404)
    return study


@bp.get("/studies/<slug:slug>/capture")
@authenticated
def capture(slug: str):
    """Sites, zones, codebook and slots that the capture screens work from."""
    return jsonify(capture_data(_member_study(slug), api_user()))


@bp.get("/sessions/<uuid>")
@authenticated
def session(uuid: str):
    """One of the user's own sessions with all its records, to continue on another device."""
    try:
        uuid = a_uuid(uuid)
    except FieldError:
        abort(404)
    owned = db.session.scalars(
        select(Session).filter_by(uuid=uuid, fieldworker_id=api_user_id())
    ).first()
    if owned is None:
        abort(404)
    return jsonify(records=session_records(load_session(owned.study_id, uuid)))


@bp.get("/csrf-token")
@authenticated
def csrf_token():
    """A fresh CSRF token for a page that was served from the offline cache."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of every /api/v1 route."""
    return jsonify(openapi.document())
