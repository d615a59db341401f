"""`flask close-forgotten [--dry-run]`: close the sessions fieldworkers forgot to end.

The task queue does this by itself every few minutes (tasks/definitions.py); this command
is for cron, for an installation that turned that off (TERLOOPS_CLOSE_FORGOTTEN=false), and
to see what would be closed. It prints one line per session: its UUID, study, site, observer code,
start and the end it got (in the installation's time zone).
"""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from .extensions import db
from .models import Membership, Session
from .review.forgotten import close_forgotten, forgotten_sessions

MOMENT = "yyyy-MM-dd HH:mm"


def _line(session: Session, end) -> str:
    """One closed (or closable) session, as the command prints it."""
    code = db.session.scalar(
        select(Membership.observer_code).filter_by(
            study_id=session.study_id, user_id=session.fieldworker_id
        )
    )
    planned = _("planned") if session.slot_id is not None else _("unplanned")
    return (
        f"{session.uuid}  {session.study.slug}  {session.site.name}  {code or '-'}  "
        f"{format_datetime(session.started_at, MOMENT)} – {format_datetime(end, MOMENT)}  "
        f"({planned})"
    )


@click.command("close-forgotten")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only list what would be closed.")
def close_forgotten_command(dry_run: bool) -> None:
    """Close open sessions long past their planned end (or longest unplanned length)."""
    if dry_run:
        found = forgotten_sessions()
        for item in found:
            click.echo(_line(item.session, item.end))
        click.echo(
            ngettext(
                "%(num)d session would be closed (dry run: nothing changed).",
                "%(num)d sessions would be closed (dry run: nothing changed).",
                len(found),
            )
        )
        return
    closed = close_forgotten()
    lines = [_line(session, session.ended_at) for session in closed]
    db.session.commit()
    for line in lines:
        click.echo(line)
    click.echo(
        ngettext(
            "Closed %(num)d forgotten session.", "Closed %(num)d forgotten sessions.", len(closed)
        )
    )


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(close_forgotten_command)
