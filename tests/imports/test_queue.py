"""Big imports on the real task queue: queued, followed, run by a worker to the same data the
command line gives; and the reaper's care when the worker running one dies."""

from datetime import timedelta

import sqlalchemy as sa
from flask import session

from observations import tasks
from observations.extensions import db
from observations.models import ImportJob, Study, User, utcnow
from observations.pldp import jobs as import_jobs
from observations.tasks import consumer
from tests.imports.conftest import (
    LOCATIONS,
    allow_several_activities,
    csv_sums,
    first_rows,
    logged_in,
    page_of,
    stored_sums,
    upload,
)
from tests.tasks.conftest import wait_for


def job_of(app, job_id: int) -> ImportJob:
    """The job as the database holds it now (detached, fields loaded)."""
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        db.session.expunge(job)
        return job


def only_job(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ImportJob.id))


def queued_imports(app) -> list[int]:
    """The jobs whose import task waits in the app's queue."""
    found = tasks.tasks_of(app)
    return [t.args[0] for t in found.huey.pending() if isinstance(t, found.run_import.task_class)]


def test_a_big_table_is_queued_followed_and_gives_what_the_command_line_gives(queue_apps, tmp_path):
    # The web process works no queue here, so the job waits until a worker starts.
    app = queue_apps(IMPORT_INLINE_ROWS=100, QUEUE_IN_WEB=False)
    with app.app_context():
        allow_several_activities("alpha")
        db.session.commit()
    client = logged_in(app.test_client(), "alpha-lead")
    table = first_rows(1200)
    answer = upload(client, "alpha", table.encode(), LOCATIONS.encode(), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "imported in the background" in page and "Waiting in the queue" in page
    assert 'data-running="true"' in page
    job_id = only_job(app)
    assert queued_imports(app) == [job_id]
    status = client.get(f"{page_of('alpha')}/jobs/{job_id}").get_json()
    assert status == {"status": "queued", "progress": 0, "error": None}

    consumer.start(app)
    assert wait_for(lambda: job_of(app, job_id).status in ("done", "failed"))
    job = job_of(app, job_id)
    assert (job.status, job.progress, job.error) == ("done", 100, ""), job.error
    assert job.content is None and job.locations is None
    assert "rows read: 1200; imported: 1200; rejected: 0" in job.report
    page = client.get(page_of("alpha")).get_data(as_text=True)
    assert "rows read: 1200" in page and 'data-running="true"' not in page
    assert client.get(f"{page_of('alpha')}/jobs/{job_id}").get_json()["status"] == "done"

    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    (tmp_path / "locations.csv").write_text(LOCATIONS, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=[
            "import-pldp",
            str(tmp_path / "table.csv"),
            "--locations",
            str(tmp_path / "locations.csv"),
            "--study",
            "cli",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored_sums("alpha") == stored_sums("cli") == csv_sums(table)


def test_the_same_big_table_again_adds_nothing(queue_apps):
    app = queue_apps(IMPORT_INLINE_ROWS=10)
    client = logged_in(app.test_client(), "alpha-coordinator")
    table = first_rows(60).encode()
    for _ in range(2):
        upload(client, "alpha", table)
        with app.app_context():
            newest = db.session.scalar(sa.select(sa.func.max(ImportJob.id)))
        assert wait_for(lambda newest=newest: job_of(app, newest).status == "done")
    first, second = (job_of(app, i) for i in (newest - 1, newest))
    assert any(line.startswith("surveys → sessions: created") for line in first.report)
    assert any(line.startswith("surveys → sessions: duplicate") for line in second.report)
    assert not any("created" in line for line in second.report if "sessions" in line)


def new_job(app, rows: int = 20) -> int:
    """A committed, queued import job of study alpha's lead (not yet handed to the queue)."""
    with app.app_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-lead"))
        table = first_rows(rows).encode()
        job = import_jobs.create_job(study, user, ("counts.csv", table), rows)
        db.session.commit()
        return job.id


def set_job(app, job_id: int, seconds_ago: float, **values) -> None:
    """Give the job these values and a heartbeat `seconds_ago` seconds old."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds_ago), **values)
        )


def reason(app, job_id: int) -> str:
    job = job_of(app, job_id)
    with app.test_request_context():
        session["locale"] = "en"
        return import_jobs.failure_text(job)


def test_a_dead_workers_import_is_queued_again_once_then_failed_with_its_reason(queue_apps):
    app = queue_apps(IMPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")
    reap = tasks.tasks_of(app).reap_imports.call_local

    reap()
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("queued", import_jobs.jobrows.REQUEUED)
    assert job.content, "the file stays for the second try"
    assert queued_imports(app) == [job_id]
    reap()
    assert queued_imports(app) == [job_id], "queued once, not once per run of the reaper"

    tasks.tasks_of(app).huey.flush()  # the second worker dies too
    set_job(app, job_id, 61, status="running")
    reap()
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("failed", import_jobs.jobrows.INTERRUPTED)
    assert job.content is None and job.finished_at is not None, "the file is not kept"
    assert "interrupted twice" in reason(app, job_id)
    assert queued_imports(app) == []


def test_a_requeued_import_runs_to_the_end(queue_apps):
    app = queue_apps(IMPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")
    tasks.tasks_of(app).reap_imports.call_local()
    consumer.start(app)
    assert wait_for(lambda: job_of(app, job_id).status in ("done", "failed"))
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("done", ""), job.error


def test_an_import_lost_from_the_queue_fails_and_does_not_run_without_its_file(queue_apps):
    app = queue_apps(IMPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61)  # queued, but its task is in no queue
    tasks.tasks_of(app).reap_imports.call_local()
    job = job_of(app, job_id)
    assert (job.status, job.error, job.content) == ("failed", import_jobs.jobrows.LOST, None)
    assert "lost from the task queue" in reason(app, job_id)
    import_jobs.run_job(app, job_id)
    assert job_of(app, job_id).status == "failed"


def test_the_export_reaper_leaves_imports_alone(queue_apps):
    app = queue_apps(IMPORT_STALE_SECONDS=60, EXPORT_STALE_SECONDS=60)
    job_id = new_job(app)
    set_job(app, job_id, 61, status="running")
    tasks.tasks_of(app).reap_exports.call_local()
    assert job_of(app, job_id).status == "running"
