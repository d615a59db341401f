"""Background work on a task queue (huey): exports and the periodic work of the server.

queue.py builds the app's queue (SQLite file by default, Redis with TERLOOPS_REDIS_URL),
definitions.py holds the tasks, reaper.py recovers exports whose worker died, consumer.py
works the queue inside the web process, worker.py is `flask --app app worker`.
"""

from flask import Flask, current_app

from . import consumer, worker
from .queue import EXTENSION, tasks_of

__all__ = ["enqueue_export", "init_app", "tasks_of"]


def enqueue_export(job_id: int) -> None:
    """Queue a committed export job (in tests it runs at once)."""
    tasks_of(current_app._get_current_object()).run_export(job_id)


def init_app(app: Flask) -> None:
    """Prepare the app's queue (built on first use), its consumer and its command."""
    app.extensions[EXTENSION] = {}
    consumer.init_app(app)
    worker.init_app(app)
