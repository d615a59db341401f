"""Read endpoints for analysis tools (R, pandas, Power BI): a study's data as tables.

GET /api/v1/studies/<slug>/<table> for the workbook's sheets: sessions, scans (long format),
encounters, notes, passers (the people-moving counts), sites (with zones) and codebook; the
same columns and labels (export/tables.py). JSON comes in keyset pages, with the URL of the
next one; `?format=csv` streams the whole table. Records show once they have settled for
API_SETTLE_SECONDS (export/keyset.py), so that a row committed late never ends up behind a
client's cursor.
Research leads and coordinators of the study, and the admin, may read; a fieldworker gets
403, someone of another study 404.

GET /api/v1/studies/<slug>/indicators gives the indicators (indicator_reading.py), behind
`readable_study` like these.
"""

from datetime import timedelta

from flask import Response, current_app, request, stream_with_context, url_for
from flask_babel import gettext as _

from ..access import refusal
from ..errors import render_error
from ..export.csvzip import csv_text, plain
from ..export.tables import COLUMN_TYPES, read_all, read_page
from ..extensions import db
from ..models import Role, Study
from . import bp, read_args
from .auth import api_user, authenticated

READERS = (Role.LEAD, Role.COORDINATOR)


def readable_study(slug: str) -> Study | tuple:
    """The study, if the API user may read its data; otherwise the 404 or 403 answer."""
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    refused = refusal(api_user(), study, READERS, admin=True)
    if refused == 403:
        return render_error(
            403, _("Only the study's research leads and coordinators may read its data.")
        )
    return render_error(refused) if refused else study


def _next_url(table: str, key: tuple | None) -> str | None:
    """This request's URL with the cursor that continues after `key` (None: no next page)."""
    if key is None:
        return None
    args = request.args.to_dict(flat=False)
    args["cursor"] = read_args.encode_cursor(table, key)
    return url_for(request.endpoint, **request.view_args, **args, _external=True)


def _settle() -> timedelta:
    """How long a record waits before the paged tables show it (see export/keyset.py)."""
    return timedelta(seconds=max(0.0, float(current_app.config["API_SETTLE_SECONDS"])))


def _csv(study: Study, table: str, read: read_args.ReadArgs) -> Response:
    """The whole table as a streamed CSV download."""
    columns, rows = read_all(study, read.options, table, settle=_settle())
    response = Response(
        stream_with_context(chunk.encode() for chunk in csv_text(columns, rows)),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{study.slug}-{table}.csv"'
    return response


def _read(slug: str, table: str):
    """A page of a table as JSON, or all of it as CSV."""
    study = readable_study(slug)
    if not isinstance(study, Study):
        return study
    try:
        read = read_args.parse(study, table, request.args)
    except read_args.BadArguments as bad:
        return render_error(400, str(bad), bad.errors)
    if read.format == "csv":
        return _csv(study, table, read)
    page = read_page(study, read.options, table, read.after, read.limit, settle=_settle())
    names = [column.header for column in page.columns]
    next_url = _next_url(table, page.next_after)
    body = {
        "table": table,
        "study": study.slug,
        "labels": read.options.labels,
        "time_zone": study.timezone,
        "columns": [{"name": c.header, "type": COLUMN_TYPES[c.kind]} for c in page.columns],
        "data": [dict(zip(names, map(plain, row), strict=False)) for row in page.rows],
        "next": next_url,
    }
    # Keys in the columns' order, as in the workbook (jsonify would sort them).
    response = Response(current_app.json.dumps(body, sort_keys=False), mimetype="application/json")
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


@bp.get("/studies/<slug:slug>/sessions")
@authenticated
def read_sessions(slug: str):
    """Sessions, one row each, as on the workbook's Sessions sheet."""
    return _read(slug, "sessions")


@bp.get("/studies/<slug:slug>/scans")
@authenticated
def read_scans(slug: str):
    """Scans in long format: one row per scan × category × code, with the count."""
    return _read(slug, "scans")


@bp.get("/studies/<slug:slug>/encounters")
@authenticated
def read_encounters(slug: str):
    """Encounters, one row each, with a 0/1 column per flag."""
    return _read(slug, "encounters")


@bp.get("/studies/<slug:slug>/notes")
@authenticated
def read_notes(slug: str):
    """Field notes, one row each."""
    return _read(slug, "notes")


@bp.get("/studies/<slug:slug>/passers")
@authenticated
def read_passers(slug: str):
    """People-moving counts, one row each, with a column per mode and code (Passers-by)."""
    return _read(slug, "passers")


@bp.get("/studies/<slug:slug>/sites")
@authenticated
def read_sites(slug: str):
    """Sites with their zones, one row per zone."""
    return _read(slug, "sites")


@bp.get("/studies/<slug:slug>/codebook")
@authenticated
def read_codebook(slug: str):
    """Every category and code of the codebook, in Dutch and English."""
    return _read(slug, "codebook")
