"""The tasks the queue runs, each in an app context (and transaction) of its own app.

- `run_export(job_id)`: one export job (export/jobs.py), queued by the export page.
- `run_import(job_id)`: one import of a big PLDP table (pldp/jobs.py), queued by the
  import page.
- `reap_exports` and `reap_imports`, every minute: jobs whose worker died are queued again
  once, then failed with their reason (reaper.py).
- `close_forgotten_sessions`, every `close_check_minutes` (10) minutes: sessions their
  fieldworkers forgot to end are closed (review/forgotten.py); off with CLOSE_FORGOTTEN=false.
- `remove_expired_exports`, every hour: files of exports past EXPORT_KEEP_DAYS are deleted.

The periodic ones are queued by the scheduler of every consumer that runs (a thread of each
web process, or each `flask worker`), so two may run at once: each is safe to.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from huey import Huey, crontab
from huey.api import TaskWrapper

from ..export import jobs
from ..extensions import db
from ..pldp import jobs as import_jobs
from . import reaper

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tasks:
    """An app's queue and the tasks registered on it."""

    huey: Huey
    run_export: TaskWrapper
    reap_exports: TaskWrapper
    run_import: TaskWrapper
    reap_imports: TaskWrapper
    close_forgotten_sessions: TaskWrapper
    remove_expired_exports: TaskWrapper


@contextmanager
def transaction(app: Flask) -> Iterator[None]:
    """An app context whose session is committed when the block ends well."""
    with app.app_context():
        try:
            yield
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def close_check_due(app: Flask) -> Callable[[datetime], bool]:
    """The schedule of closing forgotten sessions: every close_check_minutes, if switched on."""
    from ..review.thresholds import thresholds

    def due(moment: datetime) -> bool:
        with app.app_context():
            if not app.config.get("CLOSE_FORGOTTEN"):
                return False
            step = max(1, round(thresholds().close_check_minutes))
        return (moment.hour * 60 + moment.minute) % step == 0

    return due


def register(huey: Huey, app: Flask) -> Tasks:
    """Register the tasks on `huey`, bound to `app`."""

    @huey.task()
    def run_export(job_id: int) -> None:
        jobs.run_job(app, job_id)

    @huey.task()
    def run_import(job_id: int) -> None:
        import_jobs.run_job(app, job_id)

    def queued_ids(task: TaskWrapper) -> Callable[[], set[int]]:
        def ids() -> set[int]:
            waiting = [*huey.pending(), *huey.scheduled()]
            return {t.args[0] for t in waiting if isinstance(t, task.task_class)}

        return ids

    @huey.periodic_task(crontab())
    def reap_exports() -> None:
        with transaction(app):
            reaped = reaper.reap(run_export, queued_ids(run_export))
        if reaped:
            logger.warning("interrupted exports: %s", reaped)

    @huey.periodic_task(crontab())
    def reap_imports() -> None:
        with transaction(app):
            reaped = reaper.reap(run_import, queued_ids(run_import), kind=reaper.IMPORTS)
        if reaped:
            logger.warning("interrupted imports: %s", reaped)

    @huey.periodic_task(close_check_due(app))
    def close_forgotten_sessions() -> None:
        from ..review.forgotten import close_forgotten

        with transaction(app):
            closed = len(close_forgotten())
        if closed:
            logger.info("closed %d forgotten sessions", closed)

    @huey.periodic_task(crontab(minute="7"))
    def remove_expired_exports() -> None:
        with transaction(app):
            removed = jobs.remove_all_expired_files()
        if removed:
            logger.info("deleted %d expired export files", removed)

    return Tasks(
        huey,
        run_export,
        reap_exports,
        run_import,
        reap_imports,
        close_forgotten_sessions,
        remove_expired_exports,
    )
