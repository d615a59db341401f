"""Flask commands for data: `export` and `import-pldp`."""

import sys
import time
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from . import audit, studies, text
from .export import FORMATS, LABELS, ExportOptions, export
from .export.filters import find_sites, parse_day
from .extensions import db
from .models import Study, utcnow
from .pldp.encoding import NotText, decode
from .pldp.importer import ImportRefused, import_pldp
from .pldp.kinds import KINDS
from .purge import COMPLETE_FORMATS
from .validation import Invalid


def _fail(message: str) -> None:
    """Print an error in the default language and stop with exit code 2."""
    click.echo(_("Error: %(message)s", message=message), err=True)
    sys.exit(2)


def _date(value: str | None, option: str) -> date | None:
    """A date from YYYY-MM-DD within the years Terloops stores, or stop with a clear message."""
    try:
        return parse_day(value, option)
    except ValueError as error:
        _fail(str(error))


def _study(slug: str) -> Study:
    """The study with this short name, or stop with a clear message."""
    study = studies.by_slug(slug)
    if study is None:
        _fail(_("There is no study with the short name %(slug)s.", slug=text.visible(slug)))
    return study


@click.command("export")
@click.argument("study_slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--format", "format_", type=click.Choice(FORMATS), default="xlsx")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@click.option("--from", "date_from", help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Last day, YYYY-MM-DD.")
@click.option("--labels", type=click.Choice(LABELS), default="nl")
@with_appcontext
def export_command(study_slug, out, format_, site_names, date_from, date_to, labels) -> None:
    """Export a study as an Excel workbook, a zip of CSV files or PLDP 1.0: `pldp` the
    scans (people staying), `pldp-moving` the people-moving counts."""
    study = _study(study_slug)
    try:
        sites = find_sites(study, list(site_names))
    except ValueError as error:
        _fail(str(error))
    options = ExportOptions(
        format=format_,
        labels=labels,
        sites=sites,
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
    )
    if options.date_from and options.date_to and options.date_from > options.date_to:
        _fail(_("--from lies after --to."))
    started, started_at = time.perf_counter(), utcnow()
    counts = export(study, options, out)
    # Exports are in the audit log whoever makes them; on the command line, the system. A
    # complete one, and when it began reading, let a purge know the records were taken out.
    changes = {"format": [None, format_], "via": [None, "command line"]}
    if not (sites or options.date_from or options.date_to) and format_ in COMPLETE_FORMATS:
        changes.update(complete=[None, True], started_at=[None, started_at.isoformat()])
    audit.record("export", "study", study.slug, changes, study_id=study.id)
    db.session.commit()
    for sheet, rows in counts.items():
        click.echo(f"  {sheet:<14} {rows:>9}")
    click.echo(
        _("Written %(path)s in %(seconds).1f s.", path=out, seconds=time.perf_counter() - started)
    )


@click.command("import-pldp")
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--locations",
    type=click.Path(exists=True, dir_okay=False),
    help="The PLDP locations file of the same study.",
)
@click.option("--study", "study_slug", required=True, help="Short name of the study.")
@click.option("--name", default="", help="Name of the study, if the import creates it.")
@click.option(
    "--timezone",
    default="Europe/Amsterdam",
    help="Time zone of the file's times, if the import creates the study.",
)
@click.option(
    "--encoding",
    default="",
    help="Encoding of the files (e.g. utf-8, cp1252); detected when left out.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check the file and report what would be imported; store nothing.",
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="What the table counts: people moving (passers-by) or staying; detected from "
    "the columns when left out.",
)
@with_appcontext
def import_pldp_command(
    table, locations, study_slug, name, timezone, encoding, dry_run, kind
) -> None:
    """Import a PLDP 1.0 single-table CSV of people staying (scans) or moving (people-moving
    counts); importing the same file again adds nothing.

    All or nothing: when no row can be imported nothing is stored and the command exits
    with 1 (a dry run too); bad input exits with 2.
    """
    from zoneinfo import available_timezones

    if timezone not in available_timezones():
        _fail(_("Unknown time zone %(zone)s, e.g. Europe/Amsterdam.", zone=text.visible(timezone)))
    if studies.by_slug(study_slug) is None:
        for problem in studies.slug_problems(study_slug):
            _fail(problem)
        for problem in (name and text.problems(name, text.rule_of(Study.name))) or []:
            _fail(_("--name: %(problem)s", problem=problem))
    try:
        content, used = decode(Path(table).read_bytes(), encoding or None)
        places = decode(Path(locations).read_bytes(), encoding or None)[0] if locations else None
    except NotText as error:
        _fail(str(error))
    try:
        report = import_pldp(
            content,
            study_slug,
            places,
            study_name=name,
            timezone=timezone,
            encoding=used + ("" if encoding else " (detected)"),
            dry_run=dry_run,
            kind=kind,
        )
    except ImportRefused as refused:
        for line in refused.report.lines():
            click.echo(line)
        click.echo(_("Nothing was imported: %(reasons)s", reasons=str(refused)), err=True)
        sys.exit(1)
    except Invalid as error:
        db.session.rollback()
        _fail(" ".join(m for messages in error.errors.values() for m in messages))
    for line in report.lines():
        click.echo(line)


def init_app(app) -> None:
    """Register the data commands."""
    app.cli.add_command(export_command)
    app.cli.add_command(import_pldp_command)
