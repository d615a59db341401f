"""`flask backup --out FILE` and `flask restore FILE`: the whole installation in one file.

Both print what they wrote or restored; every failure is one clear line and exit code 2.
"""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from .backup import BackupError, Manifest, kind_label, make_backup, restore_backup
from .export.jobs import export_dir


def _fail(message: str) -> None:
    """Print an error in the default language and stop with exit code 2."""
    click.echo(_("Error: %(message)s", message=message), err=True)
    sys.exit(2)


def _size(number: int) -> str:
    """A file size in MB (kB below one MB), in the user's number format."""
    if number < 1_000_000:
        return _("%(size)s kB", size=format_decimal(number / 1000, format="#,##0.0"))
    return _("%(size)s MB", size=format_decimal(number / 1_000_000, format="#,##0.0"))


def _contents(manifest: Manifest) -> None:
    """The kind, revision, and rows per table of a backup."""
    tables = [name for name in manifest.tables if name != "alembic_version"]
    click.echo(
        _(
            "%(kind)s database at revision %(revision)s: %(tables)s tables, %(rows)s rows.",
            kind=kind_label(manifest.database),
            revision=manifest.revision or "–",
            tables=format_decimal(len(tables)),
            rows=format_decimal(manifest.rows),
        )
    )
    for name in tables:
        if manifest.tables[name]:
            click.echo(f"  {name:<22} {manifest.tables[name]:>10}")


def _database_errors(action):
    """Run `action`, turning its failures into one clear line each."""
    try:
        return action()
    except BackupError as error:
        _fail(str(error))
    except sa.exc.OperationalError as error:
        _fail(_("Cannot reach the database: %(reason)s", reason=str(error.orig).strip()))


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Archive to write (.tar or .tar.gz).",
)
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@click.option(
    "--no-export-files", "without_exports", is_flag=True, help="Leave the export files out."
)
@with_appcontext
def backup_command(out: str, overwrite: bool, without_exports: bool) -> None:
    """Write a consistent snapshot of the database and its export files, while the app runs."""
    written = _database_errors(lambda: make_backup(Path(out), not without_exports, overwrite))
    click.echo(_("Backup written: %(path)s (%(size)s).", path=out, size=_size(written.size)))
    _contents(written.manifest)
    if without_exports:
        click.echo(
            _(
                "Export files left out; they stay in %(path)s.",
                path=str(export_dir(current_app)),
            )
        )
    else:
        click.echo(
            ngettext(
                "%(num)d export file included.",
                "%(num)d export files included.",
                len(written.manifest.export_files) - len(written.missing_exports),
            )
        )
    if written.missing_exports:
        click.echo(
            ngettext(
                "%(num)d finished export had no file any more (expired or deleted); "
                "it will show as deleted.",
                "%(num)d finished exports had no file any more (expired or deleted); "
                "they will show as deleted.",
                len(written.missing_exports),
            )
        )
    click.echo(
        _(
            "The backup holds accounts and password hashes: keep it where only "
            "administrators can read it."
        )
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def restore_command(file: str) -> None:
    """Bring a backup back into an empty database of the same kind."""
    restored = _database_errors(lambda: restore_backup(Path(file)))
    click.echo(_("Restored %(path)s.", path=file))
    _contents(restored.manifest)
    click.echo(
        ngettext(
            "%(num)d export file restored into %(path)s.",
            "%(num)d export files restored into %(path)s.",
            len(restored.export_files),
            path=str(restored.export_folder),
        )
    )
    revision = restored.manifest.revision
    if restored.revision_state == "current":
        click.echo(_("The database is at the current revision %(revision)s.", revision=revision))
    elif restored.revision_state == "behind":
        click.echo(
            _(
                "The backup is at revision %(revision)s; this version of Terloops expects "
                "%(head)s. Bring the database up to date with: flask --app app db upgrade",
                revision=revision,
                head=restored.head,
            )
        )
    else:
        click.echo(
            _(
                "Revision %(revision)s is unknown to this version of Terloops: a newer version "
                "made the backup. Install that version (or a newer one) before using the "
                "database.",
                revision=revision or "–",
            )
        )


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
