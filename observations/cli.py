"""Flask commands: `demo` and `create-user`; the data commands live in cli_data.py."""

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade

from . import accounts, demo, studies, text
from .extensions import db
from .models import ROLE_VALUES
from .validation import Invalid


def _ensure_secret_key() -> None:
    """Write a random SECRET_KEY into instance/config.py when none is configured."""
    if current_app.config.get("SECRET_KEY"):
        return
    key = secrets.token_hex(32)
    path = Path(current_app.instance_path) / "config.py"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"\n# Written by `flask demo`: keep it secret, keep it stable.\nSECRET_KEY = {key!r}\n"
        )
    path.chmod(0o600)
    current_app.config["SECRET_KEY"] = key
    click.echo(_("Wrote a new random SECRET_KEY to %(path)s.", path=path))


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Upgrade the database and create the demo study (does nothing if it exists)."""
    _ensure_secret_key()
    upgrade()
    password = os.environ.get("TERLOOPS_DEMO_PASSWORD") or demo.DEFAULT_PASSWORD
    result = demo.create_demo(password=password)
    db.session.commit()
    if result.created:
        click.echo(
            _(
                "Demo study created: %(name)s (%(slug)s).",
                name=result.study.name,
                slug=result.study.slug,
            )
        )
    else:
        click.echo(_("The demo study exists already; nothing changed."))
    click.echo(
        _(
            "Accounts (password: %(password)s unless changed):",
            password="$TERLOOPS_DEMO_PASSWORD"
            if "TERLOOPS_DEMO_PASSWORD" in os.environ
            else demo.DEFAULT_PASSWORD,
        )
    )
    for username, role in result.accounts:
        click.echo(f"  {username:<14} {role}")
    click.echo(_("Start the app with: flask --app app run"))


def _fail(errors: dict[str, list[str]]) -> None:
    """Print every message and stop with a non-zero exit code."""
    for messages in errors.values():
        for message in messages:
            click.echo(_("Error: %(message)s", message=message), err=True)
    sys.exit(2)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option("--admin", is_flag=True, help="Make the account an installation admin.")
@click.option("--study", "study_slug", help="Short name of a study to add the user to.")
@click.option("--role", type=click.Choice(ROLE_VALUES), help="Role in that study.")
@click.option("--password", envvar="TERLOOPS_NEW_PASSWORD", help="Password (else prompted).")
def create_user_command(username, display_name, admin, study_slug, role, password) -> None:
    """Create an account, optionally with a role in a study."""
    if bool(study_slug) != bool(role):
        _fail({"role": [_("Give --study and --role together.")]})
    study = None
    if study_slug:
        study = studies.by_slug(study_slug)
        if study is None:
            _fail(
                {
                    "study": [
                        _(
                            "There is no study with the short name %(slug)s.",
                            slug=text.visible(study_slug),
                        )
                    ]
                }
            )
    if password is None:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(username, password, display_name, is_admin=admin)
        if study is not None:
            accounts.add_member(study, user, role)
    except Invalid as error:
        db.session.rollback()
        _fail(error.errors)
    db.session.commit()
    click.echo(_("Account %(name)s created.", name=user.username))


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    from . import (
        cli_accounts,
        cli_backup,
        cli_calendar,
        cli_codebook,
        cli_data,
        cli_forgotten,
        cli_indicators,
        cli_reliability,
        cli_retention,
        cli_schedule,
    )

    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)
    cli_data.init_app(app)
    cli_schedule.init_app(app)
    cli_accounts.init_app(app)
    cli_calendar.init_app(app)
    cli_codebook.init_app(app)
    cli_forgotten.init_app(app)
    cli_reliability.init_app(app)
    cli_indicators.init_app(app)
    cli_backup.init_app(app)
    cli_retention.init_app(app)
