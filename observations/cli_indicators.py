"""`flask rebuild-indicators [STUDY]`: compute the dashboards' indicator facts again.

The app keeps the facts current by itself (observations/indicators/facts/); this command is
for records changed outside it — a restore, a bulk edit in SQL — and prints how many
sessions and fact rows it wrote.
"""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from .cli_data import _study
from .extensions import db
from .indicators import facts
from .models import Session


@click.command("rebuild-indicators")
@with_appcontext
@click.argument("study_slug", required=False)
def rebuild_indicators_command(study_slug: str | None) -> None:
    """Compute the indicator facts of every session (of one study) again."""
    study_id = _study(study_slug).id if study_slug else None
    query = select(func.count()).select_from(Session)
    if study_id is not None:
        query = query.where(Session.study_id == study_id)
    sessions = db.session.scalar(query)
    rows = facts.rebuild(study_id)
    db.session.commit()
    message = _("Indicator facts computed for %(sessions)d sessions: %(rows)d rows.")
    click.echo(message % {"sessions": sessions, "rows": rows})


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(rebuild_indicators_command)
