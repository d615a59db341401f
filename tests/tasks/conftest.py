"""Apps on the real task queue (not the tests' immediate mode), export jobs, and waiting.

A queue on Redis uses database 3 under a name of its own per test (the SQLite and the
PostgreSQL runs of CI share one Redis at the same time) and is emptied afterwards.
"""

import threading
import uuid

import pytest
import sqlalchemy as sa

from observations import tasks
from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import ExportJob, Study, User
from observations.tasks import consumer
from tests import factories
from tests.conftest import empty_database, fresh_schema, make_app

REDIS = "redis://127.0.0.1:6379/3"


def wait_for(predicate, timeout: float = 60) -> bool:
    """Wait until predicate() holds (checked every 20 ms) or the time is up."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return True
        pause.wait(0.02)
    return predicate()


@pytest.fixture
def queue_name():
    """A queue name no other test (or CI run) shares."""
    return f"terloops-test-{uuid.uuid4().hex}"


@pytest.fixture
def queue_apps(tmp_path, queue_name):
    """Make apps on the real queue: `storage` "sqlite" (instance/queue.db) or "redis".

    Apps made by one test share their database, instance folder and queue, like the
    processes of one installation; their consumers are stopped and the queue emptied after.
    """
    made = []

    def factory(storage: str = "sqlite", **overrides):
        config = {"QUEUE_IMMEDIATE": False, "QUEUE_NAME": queue_name, **overrides}
        if storage == "redis":
            config["REDIS_URL"] = REDIS
        app = make_app(tmp_path, empty=False, **config)
        if not made:
            fresh_schema(app)
            with app.app_context():
                factories.two_studies()
                db.session.commit()
        made.append(app)
        return app

    yield factory
    for app in made:
        consumer.stop(app)
    for app in made:
        if app.extensions[tasks.queue.EXTENSION].get("tasks"):
            tasks.tasks_of(app).huey.storage.flush_all()
    for app in made[1:]:
        with app.app_context():
            db.engine.dispose()
    if made:
        empty_database(made[0])


def new_job(app, slug: str = "alpha", fmt: str = "csv") -> int:
    """A committed, queued export job of the study's lead (not yet handed to the queue)."""
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug=slug))
        user = db.session.scalar(sa.select(User).filter_by(username=f"{slug}-lead"))
        job = export_jobs.create_job(study, user, ExportOptions(format=fmt))
        db.session.commit()
        return job.id


def queued_exports(app) -> list[int]:
    """The jobs whose export task waits in the app's queue (periodic tasks left out)."""
    found = tasks.tasks_of(app)
    return [t.args[0] for t in found.huey.pending() if isinstance(t, found.run_export.task_class)]


def job_of(app, job_id: int) -> ExportJob:
    """The job as the database holds it now (detached, fields loaded)."""
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def status_of(app, job_id: int) -> str:
    """The job's status now."""
    return job_of(app, job_id).status


def finished(app, job_id: int, timeout: float = 60) -> ExportJob:
    """Wait until the job is done or failed; return it."""
    assert wait_for(lambda: status_of(app, job_id) in ("done", "failed"), timeout), (
        f"export {job_id} still {status_of(app, job_id)}"
    )
    return job_of(app, job_id)
