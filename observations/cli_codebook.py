"""Flask commands for the codebook: `codebook export` and `codebook import` (xlsx)."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from . import codebook_xlsx
from .cli_data import _fail, _study
from .codebook_editor import NothingChanged
from .extensions import db

codebook_group = AppGroup("codebook", help="Export the codebook to xlsx or import it back.")


@codebook_group.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(slug: str, out: Path) -> None:
    """Write the study's codebook to an xlsx file, one row per code."""
    study = _study(slug)
    out.write_bytes(codebook_xlsx.export_codebook(study))
    click.echo(_("Codebook of %(study)s written to %(path)s.", study=study.slug, path=out))


@codebook_group.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(slug: str, path: Path) -> None:
    """Import an xlsx codebook as one new version; nothing is imported if any row is bad."""
    study = _study(slug)
    try:
        report = codebook_xlsx.import_codebook(study, path.read_bytes(), actor=None)
    except codebook_xlsx.ImportRefused as refused:
        db.session.rollback()
        for row, reason in refused.errors:
            where = _("row %(n)d", n=row) if row else _("file")
            click.echo(f"{where}: {reason}", err=True)
        _fail(_("nothing was imported."))
    except NothingChanged:
        db.session.rollback()
        click.echo(_("The file holds the codebook as it is: nothing changed."))
        sys.exit(0)
    db.session.commit()
    click.echo(
        _(
            "Codebook imported as version %(n)d (%(count)d changes).",
            n=report.version,
            count=len(report.changes),
        )
    )


def init_app(app: Flask) -> None:
    """Register the codebook commands."""
    app.cli.add_command(codebook_group)
