"""Flask command `purge`: delete a study's records after its export (observations/purge.py)."""

import sys

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from . import purge
from .cli_data import _study
from .extensions import db


def _fail(message: str) -> None:
    """Print a refusal and stop with exit code 2."""
    click.echo(message, err=True)
    sys.exit(2)


def _show(carried: purge.Plan) -> None:
    """Print what would go: rows per table, the sessions' dates, the last record and export."""
    study = carried.study
    click.echo(_("Study %(name)s (%(slug)s):", name=study.name, slug=study.slug))
    for table, rows in carried.counts.items():
        click.echo(f"  {table:<20} {rows:>9}  {purge.LABELS[table]}")
    in_all = _("in all")
    click.echo(f"  {in_all:<20} {carried.total:>9}")
    if carried.first_session is not None:
        click.echo(
            _(
                "Sessions from %(first)s to %(last)s.",
                first=purge.moment(carried.first_session, study),
                last=purge.moment(carried.last_session, study),
            )
        )
    if carried.last_record is not None:
        click.echo(
            _(
                "Last record received or changed: %(moment)s.",
                moment=purge.moment(carried.last_record, study),
            )
        )
    if carried.export is None:
        click.echo(_("Complete export: none."))
    else:
        click.echo(
            _(
                "Complete export made at %(moment)s (%(format)s, %(by)s).",
                moment=purge.moment(carried.export.started_at, study),
                format=carried.export.format,
                by=carried.export.by or _("the command line"),
            )
        )
    if carried.export is not None and carried.export.job_id is not None:
        click.echo(_("The export's file is deleted with the records: keep a downloaded copy."))


@click.command("purge")
@click.argument("study_slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only show what would be deleted.")
@click.option(
    "--force-without-export",
    is_flag=True,
    help="Delete even though no complete export was made after the last record.",
)
@with_appcontext
def purge_command(study_slug, yes, dry_run, force_without_export) -> None:
    """Delete a study's sessions and everything recorded in them, and its exports.

    The study, its codebook, sites, team and schedule stay; the audit trail records the
    deletion. Refused unless a complete export was made after the last record arrived.
    """
    study = _study(study_slug)
    carried = purge.plan(study)
    _show(carried)
    if carried.total == 0:
        click.echo(_("Nothing to delete."))
        return
    refusal = carried.refusal(forced=force_without_export)
    if refusal and dry_run:
        click.echo(_("Refused: %(reason)s", reason=refusal))
        return
    if refusal:
        _fail(_("Refused: %(reason)s", reason=refusal))
    if not carried.exported:
        click.echo(
            _(
                "Warning: no complete export holds these records; once deleted they are "
                "gone for good."
            ),
            err=True,
        )
    if dry_run:
        click.echo(_("Dry run: nothing was deleted."))
        return
    if not yes:
        click.confirm(
            _("Delete these %(total)d rows for good?", total=carried.total), abort=True, err=True
        )
    try:
        done = purge.purge(study, forced=force_without_export, via=purge.VIA_COMMAND_LINE)
    except purge.Refused as refused:  # something changed while the question was open
        db.session.rollback()
        _fail(_("Refused: %(reason)s", reason=str(refused)))
    db.session.commit()
    purge.remove_files(done)
    click.echo(
        _(
            "Deleted %(total)d rows of study %(slug)s; the audit trail records it.",
            total=done.total,
            slug=study.slug,
        )
    )


def init_app(app) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
