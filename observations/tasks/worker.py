"""`flask --app app worker [--workers N]`: work the task queue in this process.

With TERLOOPS_REDIS_URL this is the only place background work happens: run one or more
next to the web processes (e.g. as a systemd service). It also works the SQLite queue, e.g.
with TERLOOPS_QUEUE_IN_WEB=false. SIGINT (Ctrl-C) lets the running task finish; SIGTERM
stops at once (an export cut off is queued again by the reaper); SIGHUP restarts.

A worker that starts runs the reapers at once, not at the next full minute: after a crash
(systemd restarts it) the export or import it was running is queued again as soon as its
heartbeat is stale, instead of a minute later.
"""

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .consumer import make_consumer
from .queue import describe, is_immediate, tasks_of


@click.command("worker")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Tasks run at the same time (threads).",
)
@with_appcontext
def worker_command(workers: int) -> None:
    """Run background work: exports, imports, closing forgotten sessions, old files."""
    app = current_app._get_current_object()
    if is_immediate(app):
        raise click.UsageError(
            _("The queue runs tasks at once here (QUEUE_IMMEDIATE): no worker is needed.")
        )
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    click.echo(_("Working the task queue in %(place)s.", place=describe(app)))
    tasks_of(app).reap_exports()
    tasks_of(app).reap_imports()
    make_consumer(app, workers).run()


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(worker_command)
