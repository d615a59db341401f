"""Working the queue inside a process: the web process's own consumer, and tests'.

huey's Consumer runs its workers and its scheduler (which queues the periodic tasks) in
threads, and its main loop restarts one that died. Only a process's main thread may set
signal handlers, so ThreadConsumer sets none: its main loop runs in a thread of its own,
and it ends with `stop()` (or with the process).

Without Redis each web process works the queue itself (QUEUE_IN_WEB): one worker thread, so
exports run one at a time per process as before, plus the scheduler. It starts on the
process's first request, not at import: gunicorn may load the app in its master and fork
the workers (a thread does not survive a fork), and CLI commands never serve a request, so
they never start it. With TERLOOPS_REDIS_URL the web processes start none; `flask worker`
(worker.py) works the queue.
"""

import os
import threading
import time

from flask import Flask
from huey.consumer import Consumer, ConsumerStopped

from .queue import EXTENSION, is_immediate, tasks_of

# An idle SQLite queue is polled at most this many seconds apart (Redis waits blocking).
MAX_POLL_SECONDS = 1.0


class ThreadConsumer(Consumer):
    """A consumer that sets no signal handlers, so that any thread may run it."""

    def _set_signal_handlers(self) -> None:
        pass


def make_consumer(app: Flask, workers: int = 1, consumer_class=Consumer) -> Consumer:
    """A consumer of the app's queue with `workers` worker threads and the scheduler."""
    return consumer_class(
        tasks_of(app).huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        max_delay=MAX_POLL_SECONDS,
    )


class Running:
    """A ThreadConsumer whose threads run in this process, watched by one more thread."""

    def __init__(self, app: Flask, workers: int = 1):
        self.consumer = make_consumer(app, workers, ThreadConsumer)
        self.consumer.start()  # the worker and scheduler threads run from here on
        self.thread = threading.Thread(target=self._watch, name="terloops-queue", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        """huey's main loop: restart a thread that died, until stopped."""
        checked = time.monotonic()
        while True:
            try:
                checked = self.consumer.loop(checked)
            except ConsumerStopped:
                return

    def stop(self, timeout: float = 30) -> None:
        """Let the task at hand finish (up to `timeout` seconds), then end the threads."""
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
        self.thread.join(timeout)


def in_web(app: Flask) -> bool:
    """Whether this app's web processes work the queue themselves."""
    wanted = app.config.get("QUEUE_IN_WEB")
    if wanted is None:
        wanted = not app.config.get("REDIS_URL")
    return bool(wanted) and not is_immediate(app)


def start(app: Flask, workers: int = 1) -> Running:
    """This process's consumer, started once (again after a fork)."""
    state = app.extensions[EXTENSION]
    running = state.get("consumer")
    if running is None or state.get("pid") != os.getpid():
        running = Running(app, workers)
        state.update(consumer=running, pid=os.getpid())
    return running


def stop(app: Flask) -> None:
    """Stop this process's consumer, if it runs (tests)."""
    state = app.extensions.get(EXTENSION) or {}
    running = state.pop("consumer", None)
    state.pop("pid", None)
    if running is not None:
        running.stop()


def init_app(app: Flask) -> None:
    """Start the consumer on the process's first request, when the web works the queue."""
    if not in_web(app):
        return
    lock = threading.Lock()

    @app.before_request
    def _work_the_queue() -> None:
        if app.extensions[EXTENSION].get("pid") == os.getpid():
            return
        with lock:
            start(app)
