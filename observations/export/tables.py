"""The workbook's sheets as tables for the read API: a page at a time, or all of them.

Same columns and labels as the workbook (source.py), except that `codebook_version` is
always there: a client walking the pages must get the same columns on every page.
Sessions, scans, encounters, notes and passers (the Passers-by sheet, passers.py) come in
keyset pages (keyset.py); sites and codebook are short and come whole. Given a settling
margin, the paged tables leave out the records that may still be settling (keyset.horizon):
rows received within the margin of now.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from ..models import Encounter, FieldNote, PasserCount, Scan, Session, Study
from ..models.types import utcnow
from .keyset import Keyset, horizon
from .options import ExportOptions
from .passers import passers_sheet
from .source import BATCH, Column, StudyData

PAGED = ("sessions", "scans", "encounters", "notes", "passers")
WHOLE = ("sites", "codebook")
TABLES = PAGED + WHOLE
# How a column's kind is named in the API's answers.
COLUMN_TYPES = {"int": "integer", "float": "number", "text": "string", "datetime": "datetime"}
# The types of a row's key, in order (see each sheet's docstring).
KEYS = {
    "sessions": (int,),
    "scans": (int, str, str),
    "encounters": (int,),
    "notes": (int,),
    "passers": (int,),
}
# The records whose ids lead each paged table's key.
RECORDS = {
    "sessions": Session,
    "scans": Scan,
    "encounters": Encounter,
    "notes": FieldNote,
    "passers": PasserCount,
}
# Sheets that live in a module of their own rather than on StudyData.
OWN_SHEETS = {"passers": passers_sheet}
NO_MARGIN = timedelta(0)


@dataclass
class Page:
    """Some rows of a table, and the key to read on from (None: there are no more)."""

    columns: list[Column]
    rows: list[tuple]
    next_after: tuple | None


def _sheet(data: StudyData, table: str, page: Keyset | None):
    """The columns and rows of one table."""
    if table in OWN_SHEETS:
        return OWN_SHEETS[table](data, page)
    sheet = getattr(data, f"{table}_sheet")
    return sheet(page) if table in PAGED else sheet()


def _horizon(table: str, settle: timedelta) -> int | None:
    """Where the rows still settling begin in a paged table (None: all rows have settled)."""
    return horizon(RECORDS[table], utcnow(), settle)


def read_page(
    study: Study,
    options: ExportOptions,
    table: str,
    after: tuple | None,
    limit: int,
    settle: timedelta = NO_MARGIN,
) -> Page:
    """At most `limit` rows of a table after the key `after`, in key order, of the rows
    settled for `settle` (see the module docstring)."""
    data = StudyData(study, options)
    if table in WHOLE:
        columns, rows = _sheet(data, table, None)
        return Page(columns, list(rows), None)
    # One row more than asked tells whether a next page exists.
    keyset = Keyset(after=after, limit=limit + 1, horizon=_horizon(table, settle))
    columns, rows = _sheet(data, table, keyset)
    found, last, more = [], None, False
    for row in rows:
        if len(found) == limit:
            more = True
            break
        found.append(row)
        last = keyset.last
    rows.close()
    return Page(columns, found, last if more else None)


def read_all(
    study: Study,
    options: ExportOptions,
    table: str,
    batch: int = BATCH,
    settle: timedelta = NO_MARGIN,
) -> tuple[list[Column], Iterator[tuple]]:
    """The columns of a table, and all its rows in key order, read a page at a time.

    Memory stays flat however long the table; each page is a query of its own, so no
    cursor stays open while a slow client reads. The rows are those settled when the
    reading starts: what a walk over the JSON pages at that moment would give.
    """
    data = StudyData(study, options)
    if table in WHOLE:
        return _sheet(data, table, None)
    keyset = Keyset(limit=batch, horizon=_horizon(table, settle))
    columns, first = _sheet(data, table, keyset)

    def rows() -> Iterator[tuple]:
        page = first
        while True:
            count = 0
            for row in page:
                count += 1
                yield row
            if count < batch:
                return
            keyset.after, keyset.last = keyset.last, None
            page = _sheet(data, table, keyset)[1]

    return columns, rows()
