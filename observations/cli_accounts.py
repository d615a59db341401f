"""The `add-member` command: give an existing or a new account a role in a study."""

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _

from . import account_admin, studies, text
from .cli import _fail
from .extensions import db
from .models import ROLE_VALUES, User
from .validation import Invalid


def link_address(token: str) -> tuple[str, bool]:
    """The link's address and whether it is complete (else only its path, to put a site in
    front): TERLOOPS_BASE_URL or SERVER_NAME give the site's address. Needs a request context
    (a test one will do)."""
    path = url_for("auth.set_password", token=token, _external=False)
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if base:
        return base + path, True
    if current_app.config.get("SERVER_NAME"):
        return url_for("auth.set_password", token=token, _external=True), True
    return path, False


def _find_study(slug: str):
    """The study of the short name, or stop with a message."""
    study = studies.by_slug(slug)
    if study is None:
        _fail(
            {
                "study": [
                    _("There is no study with the short name %(slug)s.", slug=text.visible(slug))
                ]
            }
        )
    return study


@click.command("add-member")
@with_appcontext
@click.argument("study_slug", metavar="STUDY")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_VALUES), help="Role in the study.")
@click.option("--name", "display_name", default="", help="Name of a new account.")
def add_member_command(study_slug, username, role, display_name) -> None:
    """Add an account to a study; a new username gets an invited account and a one-time link."""
    study = _find_study(study_slug)
    user = db.session.scalar(db.select(User).filter_by(username=username.strip().lower()))
    try:
        if user is not None:
            account_admin.add_to_study(user, study, role)
            link = None
        else:
            link = account_admin.create_account(username, display_name, study=study, role=role)
    except Invalid as error:
        db.session.rollback()
        _fail(error.errors)
    db.session.commit()
    if link is None:
        click.echo(
            _("%(name)s is now a member of %(study)s.", name=user.username, study=study.name)
        )
        return
    with current_app.test_request_context():
        address, complete = link_address(link.token)
    click.echo(_("Account %(name)s created.", name=link.user.username))
    click.echo(
        _(
            "One-time link to choose a password (valid once, until %(date)s):",
            date=link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
    click.echo(address)
    if not complete:
        click.echo(_("Put the site's address in front of this path (or set TERLOOPS_BASE_URL)."))


def init_app(app: Flask) -> None:
    """Register the command on the app's CLI."""
    app.cli.add_command(add_member_command)
