"""README command 1: on SQLite the web process works the queue itself, needing nothing else;
with Redis configured it leaves the work to `flask --app app worker`."""

import re

from observations import tasks
from observations.tasks import consumer
from observations.tasks.queue import EXTENSION
from tests.conftest import AuthActions, csrf_token
from tests.tasks.conftest import new_job, status_of, wait_for

PAGE = "/studies/alpha/research/export"


def start_export(client) -> int:
    """Ask for a CSV export through the page; return its job's id."""
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    response = client.post(
        PAGE, data={"csrf_token": token, "format": "csv", "labels": "nl", "export": "1"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"job=(\d+)", response.location).group(1))


def test_the_web_process_runs_a_large_export_on_its_own_queue_thread(queue_apps):
    app = queue_apps(EXPORT_INLINE_ROWS=-1, EXPORT_SLOW_SECONDS=1)
    assert consumer.in_web(app)
    assert "consumer" not in app.extensions[EXTENSION], "making the app starts nothing"
    client = app.test_client()
    AuthActions(client).login("alpha-lead")
    running = app.extensions[EXTENSION]["consumer"]
    assert running.thread.is_alive(), "the first request started the queue's thread"

    job_id = start_export(client)
    assert status_of(app, job_id) in ("queued", "running"), "the page did not wait for it"
    status_url = f"{PAGE}/jobs/{job_id}"
    assert wait_for(lambda: client.get(status_url).get_json()["status"] == "done")
    state = client.get(status_url).get_json()
    download = client.get(state["download"])
    download.get_data()
    download.close()
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert app.extensions[EXTENSION]["consumer"] is running, "one consumer per process"


def test_with_redis_the_web_process_starts_no_consumer(queue_apps):
    app = queue_apps("redis", EXPORT_INLINE_ROWS=-1)
    assert not consumer.in_web(app)
    client = app.test_client()
    AuthActions(client).login("alpha-lead")
    job_id = start_export(client)
    assert "consumer" not in app.extensions[EXTENSION]
    assert status_of(app, job_id) == "queued", "it waits in Redis for a worker"


def test_the_web_can_leave_a_sqlite_queue_to_a_worker(queue_apps):
    app = queue_apps(QUEUE_IN_WEB=False)
    app.test_client().get("/login")
    assert "consumer" not in app.extensions[EXTENSION]


def test_tests_run_tasks_at_once_and_start_nothing(app, world):
    assert not consumer.in_web(app)
    job_id = new_job(app)
    with app.app_context():
        tasks.enqueue_export(job_id)
    assert status_of(app, job_id) == "done", "immediate mode ran it in the caller"
    assert tasks.tasks_of(app).huey.immediate
    app.test_client().get("/login")
    assert "consumer" not in app.extensions[EXTENSION]
