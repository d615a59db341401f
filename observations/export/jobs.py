"""Exports that run in the background, with progress a page can poll.

An export is recorded as an ExportJob whatever its size. Small ones run while the user
waits; large ones run on a worker thread of the web process. Progress is written through
a connection of its own, so the export's streaming queries are never interrupted.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import ExportJob, Study, User, utcnow
from .options import ExportOptions
from .run import export

logger = logging.getLogger(__name__)
# One export at a time per process: exports are heavy, and the machine has few cores.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terloops-export")
# A running job whose heartbeat is older than this was cut off (e.g. a restart).
STALE_AFTER = 300


def export_dir(app: Flask) -> Path:
    """Where export files are kept."""
    path = Path(app.config.get("EXPORT_DIR") or Path(app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(study: Study, user: User, options: ExportOptions) -> ExportJob:
    """Record a new export (the caller commits), clearing out expired files first."""
    remove_expired_files(study)
    # The study's local time, as the list of past exports shows it.
    stamp = utcnow().astimezone(ZoneInfo(study.timezone)).strftime("%Y%m%d-%H%M%S")
    suffix = "-pldp" if options.format == "pldp" else ""
    job = ExportJob(
        study_id=study.id,
        user_id=user.id,
        format=options.format,
        settings=options.to_json(),
        file_name=f"terloops-{study.slug}-{stamp}{suffix}.{options.extension}",
    )
    db.session.add(job)
    db.session.flush()
    return job


def _update(job_id: int, **values) -> None:
    """Write job fields through a separate, short transaction."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(ExportJob).where(ExportJob.id == job_id).values(updated_at=utcnow(), **values)
        )


def run_job(app: Flask, job_id: int, row_limit: int | None = None) -> None:
    """Run one export job to the end, recording progress, outcome and file."""
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        options = ExportOptions.from_json(job.settings)
        if row_limit:
            options.row_limit = row_limit
        path = export_dir(app) / f"{job.id}-{job.file_name}"
        study = db.session.get(Study, job.study_id)
        _update(job_id, status="running", progress=0)
        last = [0.0]

        def progress(fraction: float) -> None:
            if time.monotonic() - last[0] >= 0.5:
                last[0] = time.monotonic()
                _update(job_id, progress=int(fraction * 100))

        try:
            counts = export(study, options, str(path), progress)
        except Exception as error:  # the page shows why; the log keeps the traceback
            logger.exception("export %s failed", job_id)
            db.session.rollback()
            path.unlink(missing_ok=True)
            _update(
                job_id,
                status="failed",
                error=str(error)[:2000] or type(error).__name__,
                finished_at=utcnow(),
            )
        else:
            db.session.rollback()
            _update(
                job_id,
                status="done",
                progress=100,
                row_counts=counts,
                size_bytes=path.stat().st_size,
                finished_at=utcnow(),
            )
        finally:
            db.session.remove()


def start_in_background(job: ExportJob) -> None:
    """Hand a committed job to the export thread."""
    app = current_app._get_current_object()
    _executor.submit(run_job, app, job.id)


def file_of(job: ExportJob) -> Path:
    """The export's file on disk."""
    return export_dir(current_app) / f"{job.id}-{job.file_name}"


def _expiry_cutoff():
    """Exports finished before this moment have had their file deleted."""
    return utcnow() - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])


def is_expired(job: ExportJob) -> bool:
    """A finished export whose file is past the keeping period."""
    finished = job.finished_at
    return job.status == "done" and finished is not None and finished < _expiry_cutoff()


def remove_expired_files(study: Study) -> None:
    """Delete the files of the study's expired exports (the list keeps their record)."""
    old = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.study_id == study.id,
            ExportJob.status == "done",
            ExportJob.finished_at < _expiry_cutoff(),
        )
    )
    for job in old:
        file_of(job).unlink(missing_ok=True)


def delete_job(job: ExportJob) -> None:
    """Forget an export and delete its file (the caller commits)."""
    file_of(job).unlink(missing_ok=True)
    db.session.delete(job)


def is_stale(job: ExportJob) -> bool:
    """A queued or running job that stopped sending heartbeats."""
    return job.status in ("queued", "running") and (
        (utcnow() - job.updated_at).total_seconds() > STALE_AFTER
    )


def failure_text(job: ExportJob) -> str:
    """Why a job failed, in the user's language."""
    if is_stale(job):
        return _("The export was interrupted (the server restarted). Start it again.")
    return _("The export failed: %(reason)s", reason=job.error)
