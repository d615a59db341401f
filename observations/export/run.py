"""One export from start to finish: the workbook, the CSV zip or PLDP, and its row counts."""

from collections.abc import Callable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Study
from ..pldp.export import write_pldp
from ..pldp.moving_export import write_pldp_moving
from .csvzip import CsvZip
from .options import ExportOptions
from .passers import SHEET as PASSERS
from .passers import estimated_rows as passer_rows
from .passers import passers_sheet
from .source import StudyData
from .summary import summary_tables
from .words import words
from .xlsx import Workbook, summary_sheet

SHEETS = ("Codebook", "Sites", "Sessions", "Scans", PASSERS, "Encounters", "Notes")


def _sheets(data: StudyData) -> list[tuple[str, tuple]]:
    """Each data sheet's name with its columns and rows."""
    return [
        ("Codebook", data.codebook_sheet()),
        ("Sites", data.sites_sheet()),
        ("Sessions", data.versioned(data.sessions_sheet())),
        ("Scans", data.versioned(data.scans_sheet())),
        (PASSERS, data.versioned(passers_sheet(data))),
        ("Encounters", data.versioned(data.encounters_sheet())),
        ("Notes", data.versioned(data.notes_sheet())),
    ]


def about(data: StudyData, counts: dict[str, int], generated: datetime) -> list[tuple]:
    """What the export holds, how it was made, and how many rows each sheet has."""
    options = data.options
    with force_locale("en" if options.labels == "codes" else options.labels):
        everything = _("all")
        site_names = [data.sites[s].name for s in options.sites if s in data.sites]
        codes = sorted({data.observers[u] for u in options.observers if u in data.observers})
        states = [words(options.labels)["review"][s] for s in options.review_states]
        period = " – ".join(
            d.isoformat() if d else "…" for d in (options.date_from, options.date_to)
        )
        lines = [
            (_("Terloops export"), data.study.name),
            (_("Study short name"), data.study.slug),
            (_("Generated at"), generated),
            (_("Time zone of all times"), data.study.timezone),
            (_("Format"), options.format),
            (
                _("Labels"),
                {"nl": "Nederlands", "en": "English", "codes": _("codes")}[options.labels],
            ),
            (_("Sites"), ", ".join(site_names) or everything),
            (_("Period"), period if options.date_from or options.date_to else everything),
            (_("Observers"), ", ".join(codes) or everything),
            (_("Review states"), ", ".join(states) or everything),
            (_("Codebook versions"), ", ".join(map(str, data.versions)) or "–"),
            (_("Observers appear by pseudonymous code; age and gender as perceived."), None),
            (_("Scans: people per category and code; a condition counts 1 when present."), None),
            (_("Sessions: flags are the data-quality checks failed when exported."), None),
            (
                _(
                    "Passers-by: one row per people-moving count; an empty cell: the count "
                    "did not note that category."
                ),
                None,
            ),
            ("", None),
            (_("Rows per sheet"), None),
        ]
    return lines + [(name, number) for name, number in counts.items()]


def export(
    study: Study,
    options: ExportOptions,
    path: str,
    progress: Callable[[float], None] | None = None,
    cells: dict | None = None,
) -> dict[str, int]:
    """Write the export to `path`; return the number of data rows per sheet.

    A dictionary passed as `cells` receives the number of cells written per sheet and kind.
    """
    data = StudyData(study, options)
    total = max(data.estimated_rows() + passer_rows(data), 1)
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if progress:
            progress(min(done / total, 0.99))

    generated = data.local(datetime.now().astimezone())
    if options.format == "pldp":
        return write_pldp(data, path, advance)
    if options.format == "pldp-moving":
        return write_pldp_moving(data, path, advance)
    if options.format == "csv":
        book = CsvZip(path, advance)
        for name, (columns, rows) in _sheets(data):
            book.table(name, columns, rows)
        book.lines(
            "Summary",
            (
                line
                for table in summary_tables(data)
                for line in (
                    [table.title],
                    table.header,
                    *table.rows,
                    *([[table.note]] if table.note else []),
                    [],
                )
            ),
        )
        book.lines("About", about(data, book.counts, generated))
        book.close()
        return book.counts
    data.stamp = data.excel_time  # the fast way to a datetime cell
    book = Workbook(path, options.row_limit, advance)
    about_sheet = book.add_sheet("About")
    about_sheet.set_column(0, 0, 44)
    about_sheet.set_column(1, 1, 40)
    for name, (columns, rows) in _sheets(data):
        book.table(name, columns, rows)
    summary_sheet(book, summary_tables(data))
    book.pairs(about_sheet, iter(about(data, book.counts, generated)))
    book.close()
    if cells is not None:
        cells.update(book.cells)
    return book.counts
