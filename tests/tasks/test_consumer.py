"""A consumer works the queue on SQLite and on Redis; a queued job outlives its consumer."""

import pytest

from observations import tasks
from observations.export import jobs as export_jobs
from observations.tasks import consumer
from tests.tasks.conftest import finished, new_job, queued_exports, status_of, wait_for

STORAGES = ["sqlite", "redis"]


@pytest.mark.parametrize("storage", STORAGES)
def test_a_consumer_runs_a_queued_export_to_the_end(queue_apps, storage):
    app = queue_apps(storage)
    job_id = new_job(app)
    with app.app_context():
        tasks.enqueue_export(job_id)
    assert status_of(app, job_id) == "queued"
    assert queued_exports(app) == [job_id]
    consumer.start(app)
    job = finished(app, job_id)
    assert job.status == "done", job.error
    assert job.progress == 100 and job.row_counts and job.error == ""
    with app.app_context():
        assert export_jobs.file_of(job).stat().st_size == job.size_bytes > 0


@pytest.mark.parametrize("storage", STORAGES)
def test_no_queued_job_is_lost_when_the_consumer_stops_and_starts_again(queue_apps, storage):
    first = queue_apps(storage)
    consumer.start(first)
    consumer.stop(first)
    job_ids = [new_job(first) for _ in range(3)]
    with first.app_context():
        for job_id in job_ids:
            tasks.enqueue_export(job_id)
    # Another process (a new app, a new huey) finds them in the queue's storage.
    second = queue_apps(storage)
    assert queued_exports(second) == job_ids
    consumer.start(second)
    assert [finished(second, job_id).status for job_id in job_ids] == ["done"] * 3


def test_stopping_lets_the_running_export_finish(queue_apps):
    app = queue_apps(EXPORT_SLOW_SECONDS=0.5)
    job_id = new_job(app)
    with app.app_context():
        tasks.enqueue_export(job_id)
    consumer.start(app)
    assert wait_for(lambda: status_of(app, job_id) == "running")
    consumer.stop(app)
    assert status_of(app, job_id) == "done"
