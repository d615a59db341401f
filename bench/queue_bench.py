"""The task queue on SQLite and on Redis: how soon a queued export starts, and how long it takes.

Builds the demo study in a fresh database, then for each storage (huey's SqliteHuey in a
temporary file, RedisHuey on --redis-url) starts a consumer like the web process's own (one
worker thread plus the scheduler; `flask worker` runs the same consumer in a process of its
own) and queues --exports Excel exports of the demo study, one at a time, each after the
worker has been idle for --idle seconds (an idle SQLite worker polls less and less often, up
to once a second; a Redis worker waits blocking). Times come from huey's signals:
  - enqueue_ms: what the web request spends handing the job to the queue;
  - start_ms: from queueing to the worker starting the task;
  - export_s: from queueing to the job done.
The floor is the same export run directly, with no queue (as a small export runs while the
user waits).

    python bench/queue_bench.py [--exports 5] [--idle 3] [--database-url URL]
                                [--redis-url redis://127.0.0.1:6379/3]

One line per storage: `storage=… enqueue_ms=… start_ms_median=… start_ms_max=… export_s=…
floor_s=… ratio=…` (ratio = export_s / floor_s; medians over the exports).
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from huey import signals

from bench.common import app_on, fresh_app
from observations import demo
from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import ExportJob, Study, User
from observations.tasks import consumer, tasks_of


def new_job(app) -> int:
    """A queued Excel export of the demo study, committed."""
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug=demo.DEMO_SLUG))
        user = db.session.scalar(sa.select(User).filter_by(username="lead"))
        job = export_jobs.create_job(study, user, ExportOptions(format="xlsx"))
        db.session.commit()
        return job.id


def floor_seconds(app) -> float:
    """The export run directly, in this thread."""
    job_id = new_job(app)
    started = time.perf_counter()
    export_jobs.run_job(app, job_id)
    return time.perf_counter() - started


def measure(app, exports: int, idle: float) -> dict:
    """Queue `exports` exports one at a time through a running consumer; time each."""
    queue = tasks_of(app).huey
    seen: dict[str, float] = {}
    done = threading.Event()

    @queue.signal(signals.SIGNAL_EXECUTING)
    def _started(signal, task):
        if isinstance(task, tasks_of(app).run_export.task_class):
            seen["start"] = time.perf_counter()

    @queue.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR)
    def _finished(signal, task, *args):
        if isinstance(task, tasks_of(app).run_export.task_class):
            seen["end"] = time.perf_counter()
            done.set()

    running = consumer.start(app)
    enqueue, start, total = [], [], []
    try:
        for _ in range(exports):
            job_id = new_job(app)
            done.clear()
            time.sleep(idle)
            queued = time.perf_counter()
            with app.app_context():
                tasks_of(app).run_export(job_id)
            enqueue.append(time.perf_counter() - queued)
            assert done.wait(600), "the export never finished"
            start.append(seen["start"] - queued)
            total.append(seen["end"] - queued)
            with app.app_context():
                status = db.session.get(ExportJob, job_id).status
            assert status == "done", status
    finally:
        running.stop()
    return {
        "enqueue_ms": statistics.median(enqueue) * 1000,
        "start_ms_median": statistics.median(start) * 1000,
        "start_ms_max": max(start) * 1000,
        "export_s": statistics.median(total),
    }


def main() -> None:
    """Build the demo study, measure each storage and the floor, print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=5)
    parser.add_argument("--idle", type=float, default=3.0)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = fresh_app(url, tmp)
        with app.app_context():
            demo.create_demo()
            db.session.commit()
        floor = statistics.median(floor_seconds(app) for _ in range(3))
        name = f"terloops-bench-{uuid.uuid4().hex}"
        for storage, extra in (("sqlite", {}), ("redis", {"REDIS_URL": args.redis_url})):
            queued = app_on(url, tmp)
            queued.config.update(QUEUE_IMMEDIATE=False, QUEUE_NAME=name, **extra)
            try:
                figures = measure(queued, args.exports, args.idle)
            finally:
                tasks_of(queued).huey.storage.flush_all()
            print(
                f"storage={storage} exports={args.exports} "
                f"enqueue_ms={figures['enqueue_ms']:.1f} "
                f"start_ms_median={figures['start_ms_median']:.0f} "
                f"start_ms_max={figures['start_ms_max']:.0f} "
                f"export_s={figures['export_s']:.2f} floor_s={floor:.2f} "
                f"ratio={figures['export_s'] / floor:.2f}",
                flush=True,
            )
        with app.app_context():
            db.drop_all()


if __name__ == "__main__":
    main()
