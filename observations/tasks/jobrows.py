"""Job rows of background work (exports, imports): what every kind of job shares.

A job row goes queued → running → done or failed. Its fields are written through a
separate, short transaction of their own (`update`), so that progress and the heartbeat
never wait for, or interrupt, the work's own session. Whoever runs a job first claims it
(one UPDATE from "queued" to "running"), so a task queued twice runs once. While a job is
queued or running, `error` may hold a marker of the reaper (tasks/reaper.py), never shown
as such: REQUEUED (its worker died once and it was queued again); a failed job may hold
INTERRUPTED (its worker died twice) or LOST (its task was no longer in the queue).
"""

import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app

from ..extensions import db
from ..models import utcnow

REQUEUED = "terloops:requeued"
INTERRUPTED = "terloops:interrupted"
LOST = "terloops:lost"
# The page calls a running job failed when the reaper (every minute) has missed it this
# long past its staleness, e.g. because no worker runs at all.
REAPER_GRACE = 120


def update(model, job_id: int, *conditions, **values) -> int:
    """Write job fields through a separate, short transaction; return the rows changed."""
    with db.engine.begin() as connection:
        return connection.execute(
            sa.update(model)
            .where(model.id == job_id, *conditions)
            .values(updated_at=utcnow(), **values)
        ).rowcount


def claim(model, job_id: int, take_lost: bool = True) -> bool:
    """Mark a queued job running, unless another worker claimed it first (or it is gone).

    With `take_lost`, a job the reaper declared LOST while its task was on its way to a
    worker is still taken.
    """
    waiting = model.status == "queued"
    if take_lost:
        waiting = sa.or_(waiting, sa.and_(model.status == "failed", model.error == LOST))
    return update(model, job_id, waiting, status="running", progress=0) == 1


def alive(app: Flask, model, job_id: int) -> None:
    """One heartbeat: the job, still running, was seen now."""
    with app.app_context():
        update(model, job_id, model.status == "running")


def throttled(write: Callable[[int], None], seconds: float = 0.5) -> Callable[[float], None]:
    """A progress callback (fraction 0–1) that writes a percentage at most every `seconds`."""
    last = [0.0]

    def progress(fraction: float) -> None:
        if time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            write(int(fraction * 100))

    return progress


def is_stale(job, stale_seconds: float) -> bool:
    """A running job whose heartbeat stopped so long ago that no reaper is looking after it.

    (A queued job waits in the queue's storage, which outlives restarts, so it is not stale.)
    """
    silent = (utcnow() - job.updated_at).total_seconds()
    return job.status == "running" and silent > stale_seconds + REAPER_GRACE


def config_seconds(key: str) -> float:
    """A number of seconds from the current app's configuration."""
    return float(current_app.config[key])
