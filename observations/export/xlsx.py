"""The Excel workbook, written with XlsxWriter in constant-memory mode.

Rows stream straight to disk, so memory stays flat. Every text is written as a text cell
(never a formula, whatever it starts with), numbers as numbers, times as real local
datetimes. A sheet that would pass Excel's row limit continues on "Name 2", "Name 3", …
"""

from collections.abc import Callable, Iterable, Iterator

import xlsxwriter

from .source import Column

Progress = Callable[[int], None]
TIME_FORMAT = "yyyy-mm-dd hh:mm"


class Workbook:
    """A workbook being written, sheet by sheet."""

    def __init__(self, path: str, row_limit: int, progress: Progress | None = None):
        self.book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                # Texts stay texts: nothing is turned into a formula, number or link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.row_limit = row_limit
        self.progress = progress or (lambda rows: None)
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#E3F1EC", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.datetime = self.book.add_format({"num_format": TIME_FORMAT})
        self.percent = self.book.add_format({"num_format": "0.0%"})
        self.bold = self.book.add_format({"bold": True})
        self.counts: dict[str, int] = {}
        # Cells written per sheet and kind (the export benchmark's floor writes as many).
        self.cells: dict[str, dict[str, int]] = {}

    def add_sheet(self, name: str):
        """A new, empty worksheet."""
        return self.book.add_worksheet(name)

    def _start(self, name: str, columns: list[Column]):
        """A sheet with its header row, frozen, and sensible column widths."""
        sheet = self.add_sheet(name)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
        sheet.set_row(0, 30)
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.header, self.header)
        sheet.freeze_panes(1, 0)
        self.counts[name] = 0
        return sheet

    def _finish(self, sheet, name: str, rows: int, width: int) -> None:
        """Add the autofilter over the sheet's rows."""
        sheet.autofilter(0, 0, max(rows, 1), width - 1)
        self.counts[name] = rows

    def table(self, name: str, columns: list[Column], rows: Iterable[tuple]) -> None:
        """Write a sheet of rows, continuing on numbered sheets past the row limit."""
        text = [i for i, c in enumerate(columns) if c.kind == "text"]
        numbers = [i for i, c in enumerate(columns) if c.kind in ("int", "float")]
        times = [i for i, c in enumerate(columns) if c.kind == "datetime"]
        width, limit, datetime_format = len(columns), self.row_limit, self.datetime
        part, sheet_name, written = 1, name, 0
        texts = figures = moments = 0
        sheet = self._start(name, columns)
        put_text, put_number, put_time = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_datetime,
        )
        for row in rows:
            if written == limit:
                self._finish(sheet, sheet_name, written, width)
                self.progress(written)
                part += 1
                sheet_name, written = f"{name} {part}", 0
                sheet = self._start(sheet_name, columns)
                put_text, put_number, put_time = (
                    sheet.write_string,
                    sheet.write_number,
                    sheet.write_datetime,
                )
            written += 1
            for i in text:
                value = row[i]
                if value is not None:
                    put_text(written, i, value)
                    texts += 1
            for i in numbers:
                value = row[i]
                if value is not None:
                    put_number(written, i, value)
                    figures += 1
            for i in times:
                value = row[i]
                if value is None:
                    continue
                if value.__class__ is float:  # already Excel's serial (StudyData.excel_time)
                    put_number(written, i, value, datetime_format)
                else:
                    put_time(written, i, value, datetime_format)
                moments += 1
            if not written % 10000:
                self.progress(10000)
        self.progress(written % 10000)
        self._finish(sheet, sheet_name, written, width)
        self.cells[name] = {
            "columns": width,
            "kinds": {"text": texts, "number": figures, "datetime": moments},
        }

    def pairs(self, sheet, pairs: Iterator[tuple[str, object]], start: int = 0) -> int:
        """Write label–value lines (the About sheet); return the next free row."""
        row = start
        for label, value in pairs:
            sheet.write_string(row, 0, label, self.bold)
            if isinstance(value, int | float):
                sheet.write_number(row, 1, value)
            elif hasattr(value, "year"):
                sheet.write_datetime(row, 1, value, self.datetime)
            elif value is not None:
                sheet.write_string(row, 1, str(value))
            row += 1
        return row

    def close(self) -> None:
        """Finish the file."""
        self.book.close()


def summary_sheet(workbook: Workbook, tables) -> None:
    """Tables per site, each with a native Excel chart beside it when it has one."""
    sheet = workbook.add_sheet("Summary")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 12, 13)
    row = 0
    for table in tables:
        sheet.write_string(row, 0, table.title, workbook.bold)
        header_row = row + 1
        # Tall enough for the wrapped headers (about 12 characters a line at width 13).
        lines = max((len(str(title)) + 11) // 12 for title in table.header[1:] or [""])
        sheet.set_row(header_row, 15 * max(lines, 1))
        for col, title in enumerate(table.header):
            sheet.write_string(header_row, col, str(title), workbook.header)
        for offset, values in enumerate(table.rows, start=header_row + 1):
            sheet.write_string(offset, 0, str(values[0]))
            for col, value in enumerate(values[1:], start=1):
                if isinstance(value, str):
                    sheet.write_string(offset, col, value)
                elif value is not None:
                    fmt = workbook.percent if table.percent else None
                    sheet.write_number(offset, col, value, fmt)
        last = header_row + len(table.rows)
        if table.chart and table.rows and len(table.header) > 1:
            _chart(workbook, sheet, table, header_row, last)
        if table.note:
            last += 1
            sheet.write_string(last, 0, table.note)
        row = last + (20 if table.chart and table.rows else 3)


def _chart(workbook: Workbook, sheet, table, header_row: int, last: int) -> None:
    """A chart of a table: one series per column, the sites as categories."""
    kind = (
        {"type": "column"}
        if table.chart == "column"
        else {"type": "bar", "subtype": "percent_stacked"}
    )
    chart = workbook.book.add_chart(kind)
    for col in range(1, len(table.header)):
        chart.add_series(
            {
                "name": ["Summary", header_row, col],
                "categories": ["Summary", header_row + 1, 0, last, 0],
                "values": ["Summary", header_row + 1, col, last, col],
            }
        )
    chart.set_title({"name": table.title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 360})
    sheet.insert_chart(header_row, len(table.header) + 1, chart)
