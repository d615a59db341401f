"""Background work on a task queue (huey): exports, big imports and the periodic work.

queue.py builds the app's queue (SQLite file by default, Redis with TERLOOPS_REDIS_URL),
definitions.py holds the tasks, jobrows.py what export and import jobs share, reaper.py
recovers jobs whose worker died, consumer.py works the queue inside the web process,
worker.py is `flask --app app worker`.
"""

from collections.abc import Callable

from flask import Flask, current_app

from . import consumer, worker
from .queue import EXTENSION, tasks_of

__all__ = ["enqueue_export", "enqueue_import", "init_app", "queue_or_fail", "tasks_of"]


def enqueue_export(job_id: int) -> None:
    """Queue a committed export job (in tests it runs at once)."""
    tasks_of(current_app._get_current_object()).run_export(job_id)


def enqueue_import(job_id: int) -> None:
    """Queue a committed import job (in tests it runs at once)."""
    tasks_of(current_app._get_current_object()).run_import(job_id)


def queue_or_fail(
    enqueue: Callable[[int], None], job_id: int, fail: Callable[[str], object]
) -> bool:
    """Queue a committed job with `enqueue`; when the queue cannot take it (e.g. Redis is
    unreachable), `fail(reason)` says so on the job instead of a 500. Whether it was queued."""
    try:
        enqueue(job_id)
    except Exception as error:
        current_app.logger.exception("job %s could not be queued", job_id)
        fail(str(error)[:2000] or type(error).__name__)
        return False
    return True


def init_app(app: Flask) -> None:
    """Prepare the app's queue (built on first use), its consumer and its command."""
    app.extensions[EXTENSION] = {}
    consumer.init_app(app)
    worker.init_app(app)
