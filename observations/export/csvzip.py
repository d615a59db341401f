"""The CSV export: a zip with one UTF-8 CSV per sheet (with a BOM, so Excel shows accents).

Also the read API's streamed CSV of one table (`csv_text`), written the same way.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

from .source import Column

# A spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value):
    """A value as the CSV and the read API's JSON give it: a time as 'YYYY-MM-DD HH:MM:SS'."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def cell(value) -> str:
    """A value as CSV text: times in ISO form, formula-like text defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(plain(value))


def csv_text(columns: list[Column], rows: Iterable[tuple], chunk: int = 64 * 1024):
    """A table as UTF-8 CSV text with a BOM, in pieces of about `chunk` characters.

    For a streamed download: the header, then the rows as they come; memory stays flat.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([column.header for column in columns])
    width = len(columns)
    for row in rows:
        writer.writerow([cell(value) for value in row[:width]])
        if buffer.tell() >= chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class CsvZip:
    """A zip being written, one CSV member at a time."""

    def __init__(self, path: str, progress=None):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.progress = progress or (lambda rows: None)
        self.counts: dict[str, int] = {}

    def _member(self, name: str):
        """A CSV writer into a new member of the zip."""
        raw = self.zip.open(f"{name}.csv", "w", force_zip64=True)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        return text, csv.writer(text)

    def table(self, name: str, columns: list[Column], rows: Iterable[tuple]) -> None:
        """Write one sheet as a CSV file."""
        text, writer = self._member(name)
        writer.writerow([column.header for column in columns])
        written, width = 0, len(columns)
        for row in rows:
            writer.writerow([cell(value) for value in row[:width]])
            written += 1
            if not written % 10000:
                self.progress(10000)
        self.progress(written % 10000)
        text.close()
        self.counts[name] = written

    def lines(self, name: str, lines: Iterable[list]) -> None:
        """Write free lines (About, Summary) as a CSV file."""
        text, writer = self._member(name)
        for line in lines:
            writer.writerow([cell(value) for value in line])
        text.close()

    def close(self) -> None:
        """Finish the zip."""
        self.zip.close()
