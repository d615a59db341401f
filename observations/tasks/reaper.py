"""The reaper: a job whose worker died is queued again once, then failed with its reason.

It looks after every kind of job row (tasks/jobrows.py): exports, and imports (`Kind`).

huey takes a task off the queue as a worker starts it (there is no acknowledgement), and
huey's own retries follow an exception only: a worker killed mid-export (SIGKILL, out of
memory, a machine that restarts) leaves its job "running" with a heartbeat that has stopped
(export/heartbeat.py). Every minute `reap` looks at jobs whose heartbeat is older than
EXPORT_STALE_SECONDS (IMPORT_STALE_SECONDS for imports):
- a running job is put back to "queued" (`error` = REQUEUED) and its task queued again;
- a running job that was queued again before is failed with INTERRUPTED, which the page
  explains in the user's language: it is never "running" for ever;
- a queued job whose task is in no queue (the queue's storage was emptied or replaced) is
  failed with LOST, so its user can start it again.
Each step is one UPDATE of a row that is still as it was seen, so two reapers act once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import ExportJob, ImportJob, utcnow
from .jobrows import INTERRUPTED, LOST, REQUEUED, update


@dataclass(frozen=True)
class Kind:
    """A kind of job row: its model, its staleness setting, and what failing it clears."""

    model: type
    stale_key: str
    cleared: dict = field(default_factory=dict)


EXPORTS = Kind(ExportJob, "EXPORT_STALE_SECONDS")
# A failed import keeps its report, never the file it was given (jobs.py of pldp).
IMPORTS = Kind(ImportJob, "IMPORT_STALE_SECONDS", {"content": None, "locations": None})


@dataclass
class Reaped:
    """The jobs one run of the reaper queued again, failed, or found lost."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed or self.lost)


def reap(
    enqueue: Callable[[int], object],
    queued_ids: Callable[[], set[int]],
    now: datetime | None = None,
    kind: Kind = EXPORTS,
) -> Reaped:
    """Queue again or fail every job whose heartbeat is stale; `enqueue(job_id)` queues
    its task, `queued_ids()` gives the jobs whose task is waiting in the queue."""
    model = kind.model
    stale = float(current_app.config[kind.stale_key])
    cutoff = (now or utcnow()) - timedelta(seconds=stale)
    rows = db.session.execute(
        sa.select(model.id, model.status, model.error)
        .where(model.status.in_(("queued", "running")), model.updated_at < cutoff)
        .order_by(model.id)
    ).all()
    db.session.rollback()  # each change below commits on its own
    waiting = queued_ids() if any(row.status == "queued" for row in rows) else set()
    reaped = Reaped()
    for row in rows:
        decided = _decide(row, waiting)
        if decided is None:
            continue
        outcome, values = decided
        if values["status"] == "failed":
            values.update(kind.cleared)
        unchanged = (
            model.status == row.status,
            model.error == row.error,
            model.updated_at < cutoff,
        )
        # Nothing changes when another reaper, or the job's own worker, was first.
        if update(model, row.id, *unchanged, **values):
            getattr(reaped, outcome).append(row.id)
            if outcome == "requeued":
                enqueue(row.id)
    return reaped


def _decide(row, waiting: set[int]) -> tuple[str, dict] | None:
    """What becomes of a stale job: the outcome and the job's new values, or None."""
    if row.status == "running" and row.error != REQUEUED:
        return "requeued", {"status": "queued", "error": REQUEUED}
    if row.status == "running":
        return "failed", {"status": "failed", "error": INTERRUPTED, "finished_at": utcnow()}
    if row.id not in waiting:
        return "lost", {"status": "failed", "error": LOST, "finished_at": utcnow()}
    return None
