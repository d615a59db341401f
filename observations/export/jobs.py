"""Exports that run in the background, with progress a page can poll.

An export is recorded as an ExportJob whatever its size. Small ones run while the user
waits; large ones are queued as a task (observations/tasks) and run by a queue worker: a
thread of the web process by default, `flask --app app worker` with Redis. Progress and a
heartbeat are written through connections of their own, so the export's streaming queries
are never interrupted.

A job goes queued → running → done or failed, claimed, updated and kept alive the way
every job row is (tasks/jobrows.py); `failure_text` explains the reaper's markers in the
user's language.
"""

import logging
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import ExportJob, Study, User, utcnow
from ..tasks import jobrows
from ..tasks.jobrows import INTERRUPTED, LOST, REAPER_GRACE, REQUEUED
from .heartbeat import Heartbeat
from .options import ExportOptions
from .run import export

logger = logging.getLogger(__name__)
__all__ = ["INTERRUPTED", "LOST", "REAPER_GRACE", "REQUEUED", "run_job"]


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
    suffix = {"pldp": "-pldp", "pldp-moving": "-pldp-moving"}.get(options.format, "")
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


def stale_seconds(app: Flask) -> float:
    """After this many seconds without a heartbeat a running export counts as cut off."""
    return float(app.config["EXPORT_STALE_SECONDS"])


def update(job_id: int, *conditions, **values) -> int:
    """Write export job fields through a separate, short transaction; return the rows changed."""
    return jobrows.update(ExportJob, job_id, *conditions, **values)


def claim(job_id: int) -> bool:
    """Mark a queued export running (also one the reaper thought lost), unless claimed."""
    return jobrows.claim(ExportJob, job_id)


def _slowed_for_tests(app: Flask) -> None:
    """Test hook: EXPORT_SLOW_SECONDS keeps an export running, e.g. to kill its worker."""
    if seconds := app.config.get("EXPORT_SLOW_SECONDS"):
        time.sleep(float(seconds))


def run_job(app: Flask, job_id: int, row_limit: int | None = None) -> None:
    """Run one export job to the end, recording progress, outcome and file."""
    with app.app_context():
        if not claim(job_id):
            logger.info("export %s is not waiting to run (done, running or deleted)", job_id)
            return
        job = db.session.get(ExportJob, job_id)
        options = ExportOptions.from_json(job.settings)
        if row_limit:
            options.row_limit = row_limit
        path = export_dir(app) / f"{job.id}-{job.file_name}"
        study = db.session.get(Study, job.study_id)
        progress = jobrows.throttled(
            lambda percent: update(job_id, ExportJob.status == "running", progress=percent)
        )
        beat = Heartbeat(
            lambda: jobrows.alive(app, ExportJob, job_id), max(0.1, stale_seconds(app) / 10)
        )
        try:
            with beat:
                _slowed_for_tests(app)
                counts = export(study, options, str(path), progress)
        except Exception as error:  # the page shows why; the log keeps the traceback
            logger.exception("export %s failed", job_id)
            db.session.rollback()
            path.unlink(missing_ok=True)
            update(
                job_id,
                status="failed",
                error=str(error)[:2000] or type(error).__name__,
                finished_at=utcnow(),
            )
        else:
            db.session.rollback()
            update(
                job_id,
                status="done",
                progress=100,
                row_counts=counts,
                size_bytes=path.stat().st_size,
                error="",
                finished_at=utcnow(),
            )
        finally:
            db.session.remove()


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


def _expired_jobs():
    """Finished exports past the keeping period."""
    return sa.select(ExportJob).where(
        ExportJob.status == "done", ExportJob.finished_at < _expiry_cutoff()
    )


def remove_expired_files(study: Study) -> None:
    """Delete the files of the study's expired exports (the list keeps their record)."""
    for job in db.session.scalars(_expired_jobs().where(ExportJob.study_id == study.id)):
        file_of(job).unlink(missing_ok=True)


def remove_all_expired_files() -> int:
    """Delete the files of every study's expired exports; return how many were deleted."""
    removed = 0
    for job in db.session.scalars(_expired_jobs()):
        path = file_of(job)
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def delete_job(job: ExportJob) -> None:
    """Forget an export and delete its file (the caller commits)."""
    file_of(job).unlink(missing_ok=True)
    db.session.delete(job)


def is_stale(job: ExportJob) -> bool:
    """A running export whose heartbeat stopped so long ago that no reaper looks after it."""
    return jobrows.is_stale(job, stale_seconds(current_app))


def failure_text(job: ExportJob) -> str:
    """Why a job failed, in the user's language."""
    if job.error == INTERRUPTED:
        return _(
            "The export was interrupted twice (the worker running it stopped) and was not "
            "tried again. Start it again; if it stops again, export a shorter period."
        )
    if job.error == LOST:
        return _("The export was lost from the task queue (the queue was emptied). Start it again.")
    if is_stale(job):
        return _("The export was interrupted (the server restarted). Start it again.")
    return _("The export failed: %(reason)s", reason=job.error)
