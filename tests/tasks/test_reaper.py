"""The reaper: an export whose worker died is queued again once, then failed with its
reason; a job lost from the queue is failed; a live or waiting job is left alone."""

import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import session

from observations import tasks
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import ExportJob, utcnow
from observations.tasks import consumer, reaper
from tests.tasks.conftest import finished, job_of, new_job, queued_exports


def set_job(app, job_id: int, seconds_ago: float, **values) -> None:
    """Give the job these values and a heartbeat `seconds_ago` seconds old."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == job_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds_ago), **values)
        )


def reap(app) -> None:
    """One run of the periodic task, here and now."""
    tasks.tasks_of(app).reap_exports.call_local()


def pending(app) -> int:
    """How many export tasks wait in the queue."""
    return len(queued_exports(app))


def reason(app, job_id: int, language: str = "en") -> str:
    """What the export page says about the job."""
    job = job_of(app, job_id)
    with app.test_request_context():
        session["locale"] = language
        return export_jobs.failure_text(job)


def test_a_dead_workers_export_is_queued_again_once_then_failed_with_its_reason(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")

    reap(app)
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("queued", export_jobs.REQUEUED)
    assert pending(app) == 1, "its task is in the queue again"
    reap(app)
    assert pending(app) == 1, "queued once, not once per run of the reaper"

    # The second worker dies too.
    tasks.tasks_of(app).huey.flush()
    set_job(app, job_id, 61, status="running")
    reap(app)
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("failed", export_jobs.INTERRUPTED)
    assert job.finished_at is not None and pending(app) == 0
    assert "interrupted twice" in reason(app, job_id)
    reap(app)
    assert job_of(app, job_id).status == "failed"


def test_a_requeued_export_runs_to_the_end_and_forgets_the_interruption(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")
    reap(app)
    consumer.start(app)
    job = finished(app, job_id)
    assert (job.status, job.error) == ("done", "")


def test_a_live_export_and_a_waiting_one_are_left_alone(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    running, waiting = new_job(app), new_job(app)
    set_job(app, running, 30, status="running")
    with app.app_context():
        tasks.enqueue_export(waiting)
    set_job(app, waiting, 3600)  # long in the queue, behind other work
    reap(app)
    assert job_of(app, running).status == "running"
    assert job_of(app, waiting).status == "queued" and pending(app) == 1


def test_a_job_lost_from_the_queue_fails_yet_still_runs_if_its_task_turns_up(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61)  # queued, but its task is in no queue
    reap(app)
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("failed", export_jobs.LOST)
    assert "lost from the task queue" in reason(app, job_id)
    # A worker that had taken the task just before still runs it.
    export_jobs.run_job(app, job_id)
    assert job_of(app, job_id).status == "done"


def test_two_reapers_at_once_queue_a_job_again_once(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")
    queued = []
    start = threading.Barrier(2)

    def one_reaper():
        start.wait()
        with app.app_context():
            reaped = reaper.reap(lambda job: queued.append(job), set)
            db.session.remove()
        return reaped

    threads = [threading.Thread(target=one_reaper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert queued == [job_id]


def test_a_job_running_long_past_its_heartbeat_shows_as_interrupted(queue_apps):
    app = queue_apps(EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 60 + export_jobs.REAPER_GRACE - 5, status="running")
    with app.app_context():
        assert not export_jobs.is_stale(job_of(app, job_id)), "the reaper still has time"
    set_job(app, job_id, 60 + export_jobs.REAPER_GRACE + 5, status="running")
    with app.app_context():
        assert export_jobs.is_stale(job_of(app, job_id)), "no reaper runs: say so"
    assert "interrupted (the server restarted)" in reason(app, job_id)
    assert "onderbroken" in reason(app, job_id, "nl")
