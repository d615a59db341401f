"""`flask schedule ical STUDY --observer CODE --out FILE.ics`: an observer's slots as iCalendar.

`ical_command` belongs in the `schedule` group (observations/cli_schedule.py); `init_app`
adds it to that group, or makes the group when it does not exist yet.
"""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from . import text
from .cli_data import _fail, _study
from .extensions import db
from .models import Membership
from .schedule import calendar as ical


@click.command("ical")
@with_appcontext
@click.argument("study_slug", metavar="STUDY")
@click.option("--observer", "code", required=True, help="Observer code, e.g. W01.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The .ics file to write.",
)
def ical_command(study_slug: str, code: str, out: Path) -> None:
    """Write an observer's planned slots (also as second observer) to an .ics file."""
    study = _study(study_slug)
    membership = db.session.scalar(
        select(Membership).filter_by(study_id=study.id, observer_code=code.strip().upper())
    )
    if membership is None:
        _fail(_("There is no observer %(code)s in this study.", code=text.visible(code)))
    out.write_bytes(ical.feed(study, membership.user))
    count = len(ical.observer_slots(study, membership.user))
    message = ngettext(
        "Wrote %(num)d slot of %(code)s to %(path)s.",
        "Wrote %(num)d slots of %(code)s to %(path)s.",
        count,
        code=membership.observer_code,
        path=out,
    )
    click.echo(message)


def init_app(app) -> None:
    """Add `ical` to the `schedule` command group, making the group if needed."""
    group = app.cli.commands.get("schedule")
    if group is None:
        group = AppGroup("schedule", help="The observation schedule.")
        app.cli.add_command(group)
    group.add_command(ical_command)
