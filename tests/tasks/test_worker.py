"""`flask --app app worker` as an operator runs it: a process of its own, killed mid-export.

The test process plays the web process (it queues the job and runs the reaper); the worker
is a real `flask --app app worker` on the same database and queue, killed with SIGKILL while
a slowed export runs (EXPORT_SLOW_SECONDS, a test hook).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from flask import session

from observations import tasks
from observations.export import jobs as export_jobs
from tests.tasks.conftest import job_of, new_job, queued_exports, status_of, wait_for

ROOT = Path(__file__).resolve().parents[2]


def flask(*args: str, env: dict | None = None, **options):
    """Start `flask --app app …` in the project folder."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        **options,
    )


def worker_env(app, **extra) -> dict:
    """The environment of a worker on the app's database, instance folder and queue."""
    env = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "TERLOOPS_INSTANCE_PATH": app.instance_path,
        "TERLOOPS_QUEUE_NAME": app.config["QUEUE_NAME"],
        "TERLOOPS_EXPORT_STALE_SECONDS": str(app.config["EXPORT_STALE_SECONDS"]),
        "TERLOOPS_CLOSE_FORGOTTEN": "false",
        **{key: str(value) for key, value in extra.items()},
    }
    if app.config.get("REDIS_URL"):
        env["TERLOOPS_REDIS_URL"] = app.config["REDIS_URL"]
    return env


def test_the_worker_command_has_help():
    done = flask("worker", "--help", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = done.communicate(timeout=60)
    assert done.returncode == 0, output
    assert "--workers" in output and "exports" in output


def kill_mid_export(app, job_id: int, log: Path) -> None:
    """Start a worker with a slowed export, wait until it runs the job, kill it (SIGKILL)."""
    with log.open("a") as out:
        worker = flask(
            "worker",
            env=worker_env(app, TERLOOPS_EXPORT_SLOW_SECONDS=120),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_for(lambda: status_of(app, job_id) == "running", 90), log.read_text()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    assert status_of(app, job_id) == "running", "nobody told the database"


def reap_when_stale(app, job_id: int) -> None:
    """Run the reaper until the dead worker's heartbeat is old enough for it to act."""
    before = job_of(app, job_id)

    def reaped() -> bool:
        tasks.tasks_of(app).reap_exports.call_local()
        job = job_of(app, job_id)
        return (job.status, job.error) != (before.status, before.error)

    assert wait_for(reaped, 30)


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_killed_workers_export_is_queued_again_then_failed_with_its_reason(
    queue_apps, storage, tmp_path
):
    app = queue_apps(storage, EXPORT_STALE_SECONDS=1)
    job_id = new_job(app)
    with app.app_context():
        tasks.enqueue_export(job_id)
    log = tmp_path / "worker.log"

    kill_mid_export(app, job_id, log)
    reap_when_stale(app, job_id)
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("queued", export_jobs.REQUEUED)
    assert queued_exports(app) == [job_id], "its task waits in the queue again"

    kill_mid_export(app, job_id, log)
    reap_when_stale(app, job_id)
    job = job_of(app, job_id)
    assert (job.status, job.error) == ("failed", export_jobs.INTERRUPTED)
    with app.test_request_context():
        session["locale"] = "en"
        assert "interrupted twice" in export_jobs.failure_text(job)
