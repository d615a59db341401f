"""Work the web process does without a request, for now: closing forgotten sessions.

One daemon thread per process runs `review.forgotten.close_forgotten` at once and then every
`close_check_minutes`, waiting on an Event (so `stop()` ends it without delay). It starts on
the process's first request, not at import: gunicorn may load the app in its master and fork
the workers (a thread does not survive a fork), and CLI commands (`flask db`, `demo`, …) never
serve a request, so they never start it. Off in tests (TESTING) and with
TERLOOPS_CLOSE_FORGOTTEN=false. Every worker runs its own loop; the close is safe to run
twice at once. Errors are logged and the loop goes on. The task queue (issue #12) is meant
to take this over: only `init_app` has to go.
"""

import logging
import os
import threading
from collections.abc import Callable

from flask import Flask

from .extensions import db

logger = logging.getLogger(__name__)


class Every:
    """Run `job()` now and then every `interval()` seconds in a daemon thread, until stopped."""

    def __init__(self, name: str, job: Callable[[], object], interval: Callable[[], float]):
        self.name = name
        self.job = job
        self.interval = interval
        self.stopped = threading.Event()
        self.runs = 0
        self.thread: threading.Thread | None = None

    def start(self) -> "Every":
        """Start the thread (once)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self.thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        """Ask the loop to end and wait for it."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopped.is_set():
            try:
                self.job()
            except Exception:
                logger.exception("%s: the periodic job failed; trying again later", self.name)
            self.runs += 1
            try:
                wait = self.interval()
            except Exception:
                logger.exception("%s: no interval; waiting a minute", self.name)
                wait = 60.0
            self.stopped.wait(wait)


def close_forgotten_job(app: Flask) -> Callable[[], object]:
    """One run of the close in its own app context and transaction."""
    from .review.forgotten import close_forgotten

    def job():
        with app.app_context():
            try:
                closed = close_forgotten()
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
        if closed:
            logger.info("closed %d forgotten sessions", len(closed))
        return closed

    return job


def check_interval(app: Flask) -> Callable[[], float]:
    """The thresholds' close_check_minutes, in seconds, read anew before each wait."""
    from .review.thresholds import thresholds

    def interval() -> float:
        with app.app_context():
            return max(1.0, thresholds().close_check_minutes * 60)

    return interval


def wanted(app: Flask) -> bool:
    """Whether this app closes forgotten sessions in its own process."""
    return bool(app.config.get("CLOSE_FORGOTTEN")) and not app.testing


def start(app: Flask) -> Every:
    """Start this process's loop (again after a fork: the thread stayed in the parent)."""
    state = app.extensions.setdefault("terloops_periodic", {})
    loop = state.get("loop")
    if loop is None or state.get("pid") != os.getpid():
        loop = Every("close-forgotten", close_forgotten_job(app), check_interval(app)).start()
        state.update(loop=loop, pid=os.getpid())
    return loop


def init_app(app: Flask) -> None:
    """Start the loop on the process's first request, when it is wanted."""
    if not wanted(app):
        return
    lock = threading.Lock()

    @app.before_request
    def _start_periodic_work() -> None:
        state = app.extensions.get("terloops_periodic") or {}
        if state.get("pid") == os.getpid():
            return
        with lock:
            start(app)
