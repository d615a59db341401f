"""Imports of PLDP tables uploaded on the import page, recorded as ImportJob rows.

Every import is a job, whatever its size: `check_table` reads the upload's header and
counts its rows, `create_job` records it with the file's bytes, and `run_job` imports it
through the same `import_pldp` the command line uses. Small tables run while the user
waits; tables of more than IMPORT_INLINE_ROWS rows are queued as a task (observations/
tasks) and run by a queue worker, with progress and a heartbeat written like an export's
(tasks/jobrows.py), and the reaper's care when the worker dies. Once a job is done or
failed its file is cleared: the row keeps the report (or the reason), not the data.
"""

import csv
import io
import logging

from flask import Flask, current_app
from flask_babel import gettext as _

from .. import text
from ..export.heartbeat import Heartbeat
from ..extensions import db
from ..models import ImportJob, Study, User, utcnow
from ..tasks import jobrows
from ..tasks.jobrows import INTERRUPTED, LOST
from ..validation import Invalid
from . import encoding as encoding_rule
from .columns import normalise
from .dialects import detect
from .encoding import NotText
from .importer import ImportRefused, import_pldp

logger = logging.getLogger(__name__)
# A table needs its location and one way to tell its surveys apart (or their times).
SURVEY_COLUMNS = {"survey_id", "survey_time_start", "date"}
# The file names a job keeps (shown in the list of imports).
NAME_LENGTH = 200


def decode(raw: bytes, field: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used) of an uploaded file, detected (encoding.py) unless given; or
    Invalid saying why it is not text."""
    try:
        return encoding_rule.decode(raw, encoding)
    except NotText as error:
        raise Invalid.single(field, str(error)) from None


def _header(content: str, field: str) -> tuple[list[str], csv.reader]:
    """The file's column names and a reader of the rows after them."""
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if not header:
        raise Invalid.single(field, _("The file is empty or is not a CSV table."))
    return header, reader


def check_table(content: str) -> int:
    """The number of rows of a PLDP single table, or Invalid saying why it is not one."""
    header, reader = _header(content, "table")
    columns = {normalise(name) for name in header}
    dialect = detect(header)
    if dialect is None or (dialect == "snake" and not columns & SURVEY_COLUMNS):
        raise Invalid.single(
            "table",
            _(
                "This is not a PLDP table: it needs the columns location_id and survey_id "
                "(or survey_time_start, or Date), or in the camelCase dialect name and startedAt."
            ),
        )
    try:
        rows = sum(1 for row in reader if any(cell.strip() for cell in row))
    except csv.Error as error:
        raise Invalid.single(
            "table", _("The table cannot be read as CSV: %(reason)s", reason=str(error))
        ) from None
    if not rows:
        raise Invalid.single("table", _("The table has column names but no rows."))
    return rows


def check_locations(content: str) -> None:
    """Invalid unless the file is a PLDP locations file (it names its locations)."""
    header, _rows = _header(content, "locations")
    if "location_id" not in {normalise(name) for name in header}:
        raise Invalid.single(
            "locations",
            _("This is not a PLDP locations file: it needs the column location_id."),
        )


def stored_name(name: str | None) -> str:
    """An uploaded file's name as the list of imports can show it (as sent, cut to fit)."""
    return text.visible(name or "")[:NAME_LENGTH]


def create_job(
    study: Study,
    user: User,
    table: tuple[str, bytes],
    rows: int,
    locations: tuple[str, bytes] | None = None,
    encoding: str = "",
    kind: str = "",
) -> ImportJob:
    """Record a new import of (file name, bytes), queued (the caller commits); `encoding`
    and `kind` (kept in its settings) are what the user chose, "" to detect them."""
    job = ImportJob(
        study_id=study.id,
        user_id=user.id,
        file_name=stored_name(table[0]),
        content=table[1],
        locations_name=stored_name(locations[0]) if locations else "",
        locations=locations[1] if locations else None,
        rows=rows,
        settings={key: value for key, value in (("encoding", encoding), ("kind", kind)) if value},
    )
    db.session.add(job)
    db.session.flush()
    return job


def stale_seconds(app: Flask) -> float:
    """After this many seconds without a heartbeat a running import counts as cut off."""
    return float(app.config["IMPORT_STALE_SECONDS"])


def update(job_id: int, *conditions, **values) -> int:
    """Write import job fields through a separate, short transaction."""
    return jobrows.update(ImportJob, job_id, *conditions, **values)


def is_inline(job: ImportJob) -> bool:
    """Whether the import is small enough to run while its user waits."""
    return job.rows <= current_app.config["IMPORT_INLINE_ROWS"]


def run_job(app: Flask, job_id: int) -> None:
    """Run one import job to the end, recording progress, outcome and report."""
    with app.app_context():
        # A job failed as lost has had its file cleared: it cannot run any more.
        if not jobrows.claim(ImportJob, job_id, take_lost=False):
            logger.info("import %s is not waiting to run (done, running or deleted)", job_id)
            return
        job = db.session.get(ImportJob, job_id)
        study, user = db.session.get(Study, job.study_id), db.session.get(User, job.user_id)
        running = ImportJob.status == "running"
        progress = jobrows.throttled(lambda percent: update(job_id, running, progress=percent))
        beat = Heartbeat(
            lambda: jobrows.alive(app, ImportJob, job_id), max(0.1, stale_seconds(app) / 10)
        )
        given = (job.settings or {}).get("encoding") or None
        kind = (job.settings or {}).get("kind") or None
        # SQLite has one writer: the import's one transaction holds it, so progress could
        # only be written after the end (the heartbeat's misses are harmless).
        if db.engine.dialect.name == "sqlite":
            progress = None
        try:
            with beat:
                table, used = decode(job.content, "table", given)
                report = import_pldp(
                    table,
                    study.slug,
                    decode(job.locations, "locations", given)[0] if job.locations else None,
                    actor=user,
                    progress=progress,
                    via="web",
                    encoding=used + ("" if given else " (detected)"),
                    kind=kind,
                )
        except ImportRefused as refused:
            reasons = "; ".join(refused.report.reasons())
            update(
                job_id,
                **ended(
                    "failed",
                    error=(_("Nothing was imported: %(reasons)s", reasons=reasons))[:2000],
                    report=refused.report.lines(),
                ),
            )
        except Exception as error:  # the page shows why; the log keeps the traceback
            db.session.rollback()
            if isinstance(error, Invalid):
                reason = " ".join(m for messages in error.errors.values() for m in messages)
            else:
                logger.exception("import %s failed", job_id)
                reason = str(error) or type(error).__name__
            update(job_id, **ended("failed", error=reason[:2000]))
        else:
            update(job_id, **ended("done", progress=100, report=report.lines(), error=""))
        finally:
            db.session.remove()


def ended(status: str, **values) -> dict:
    """The values of a job that ended: its file is no longer kept."""
    return {
        "status": status,
        "content": None,
        "locations": None,
        "finished_at": utcnow(),
        **values,
    }


def is_stale(job: ImportJob) -> bool:
    """A running import whose heartbeat stopped so long ago that no reaper looks after it."""
    return jobrows.is_stale(job, stale_seconds(current_app))


def failure_text(job: ImportJob) -> str:
    """Why an import failed, in the user's language."""
    if job.error == INTERRUPTED:
        return _(
            "The import was interrupted twice (the worker running it stopped) and was not "
            "tried again. Import the file again: what was imported already is not doubled."
        )
    if job.error == LOST:
        return _("The import was lost from the task queue (the queue was emptied). Import again.")
    if is_stale(job):
        return _("The import was interrupted (the server restarted). Import the file again.")
    return _("The import failed: %(reason)s", reason=job.error)
