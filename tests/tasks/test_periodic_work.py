"""The periodic tasks: expired export files go; forgotten sessions close on their schedule."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from observations import tasks
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import ExportJob, Study, User, utcnow
from observations.tasks.definitions import close_check_due


def finished_job(app, days_ago: float) -> ExportJob:
    """A finished export of study alpha with its file on disk."""
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-lead"))
        finished = utcnow() - timedelta(days=days_ago)
        job = ExportJob(study_id=study.id, user_id=user.id, format="csv", status="done",
                        file_name=f"old-{days_ago}.zip", finished_at=finished)  # fmt: skip
        db.session.add(job)
        db.session.commit()
        export_jobs.file_of(job).write_bytes(b"PK")
        return export_jobs.file_of(job)


def test_expired_export_files_are_removed_by_the_periodic_task(app, world):
    old, recent = finished_job(app, 31), finished_job(app, 29)
    tasks.tasks_of(app).remove_expired_exports()
    assert not old.exists() and recent.exists()


def test_forgotten_sessions_are_closed_every_close_check_minutes_unless_switched_off(app):
    due = close_check_due(app)
    at = datetime(2026, 5, 4, 10, 0)
    assert [due(at.replace(minute=m)) for m in (0, 5, 10, 20, 25)] == [
        True, False, True, True, False,
    ]  # fmt: skip
    app.config["REVIEW_THRESHOLDS"] = {"close_check_minutes": 5}
    assert due(at.replace(minute=25))
    app.config["CLOSE_FORGOTTEN"] = False
    assert not due(at.replace(minute=20))
