"""The task queue itself: one huey instance per app, built from the app's configuration.

- REDIS_URL set: RedisHuey on that URL, shared by every web process and worker that has it.
- otherwise: SqliteHuey in QUEUE_PATH (default instance/queue.db), a file every process on
  the machine shares, so README command 1 needs no other service.
- QUEUE_IMMEDIATE (default: in tests): tasks run at once in the caller, in memory, so tests
  of the pages stay deterministic; a test that wants the real queue sets it to False.

The instance is built on first use, not when the app is made: a gunicorn master or a CLI
command that never queues anything opens no file and no connection. Task results are not
stored: every outcome is written to the database, where every instance sees it.
"""

import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey

EXTENSION = "terloops_tasks"
_lock = threading.Lock()


def is_immediate(app: Flask) -> bool:
    """Whether tasks run at once in the caller instead of on the queue."""
    value = app.config.get("QUEUE_IMMEDIATE")
    return app.testing if value is None else bool(value)


def storage_path(app: Flask) -> Path:
    """The SQLite file of the queue when there is no Redis."""
    return Path(app.config.get("QUEUE_PATH") or Path(app.instance_path) / "queue.db")


def describe(app: Flask) -> str:
    """Where the queue lives, for the worker's first line (no password)."""
    url = app.config.get("REDIS_URL")
    if url:
        parts = urlsplit(url)
        return f"Redis {parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"
    return f"SQLite {storage_path(app)}"


def build(app: Flask) -> Huey:
    """A huey instance on the storage the configuration names."""
    name = app.config["QUEUE_NAME"]
    immediate = is_immediate(app)
    if app.config.get("REDIS_URL"):
        return RedisHuey(name, url=app.config["REDIS_URL"], results=False, immediate=immediate)
    path = storage_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False, immediate=immediate)


def tasks_of(app: Flask):
    """The app's queue with its tasks registered (built on first use, once per app)."""
    from .definitions import register

    state = app.extensions[EXTENSION]
    if state.get("tasks") is None:
        with _lock:
            if state.get("tasks") is None:
                state["tasks"] = register(build(app), app)
    return state["tasks"]
