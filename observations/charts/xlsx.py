"""A figure as an Excel workbook: its table on the first sheet, what it shows on the second.

The first sheet starts with the header row (frozen, with an autofilter), so that R, pandas or
Excel read it as a table at once; numbers are numbers (shares as fractions shown as
percentages), flags are TRUE/FALSE, and every text stays text, even one that starts with "=".
The second sheet says which figure it is and under which filters it was made.
"""

import io

import xlsxwriter
from flask_babel import gettext as _

from .figure import CODE, FLAG, HOURS, INDEX, INT, NUMBER_KINDS, PERCENT, RATIO, Figure

FORMATS = {INT: "0", HOURS: "0.0", INDEX: "0.000", PERCENT: "0.0%", RATIO: "0.0000"}
DECIMAL_FORMAT = "0.00"


def _width(figure: Figure, index: int) -> float:
    """A column width that fits its header and values (within reason)."""
    column = figure.columns[index]
    longest = max([len(column.label)] + [len(str(r.get(column.key, ""))) for r in figure.rows])
    return min(max(10, longest + 2), 50)


def workbook(figure: Figure, about: list[tuple[str, str]]) -> bytes:
    """The figure's workbook; `about` lists (label, value) lines such as the filters."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#E3F1EC", "bottom": 1, "text_wrap": True})
    formats = {kind: book.add_format({"num_format": f}) for kind, f in FORMATS.items()}
    number_format = book.add_format({"num_format": DECIMAL_FORMAT})
    sheet = book.add_worksheet(_("Figure"))
    for index, column in enumerate(figure.columns):
        sheet.set_column(index, index, _width(figure, index))
        sheet.write_string(0, index, column.label, header)
    for row_index, row in enumerate(figure.rows, start=1):
        for index, column in enumerate(figure.columns):
            value = row.get(column.key)
            if value is None or value == "":
                continue
            if column.kind == FLAG:
                sheet.write_boolean(row_index, index, bool(value))
            elif column.kind in NUMBER_KINDS:
                sheet.write_number(row_index, index, value, formats.get(column.kind, number_format))
            elif column.kind == CODE and isinstance(value, int | float):
                sheet.write_number(row_index, index, value)
            else:
                sheet.write_string(row_index, index, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(figure.rows), 1), len(figure.columns) - 1)
    info = book.add_worksheet(_("About"))
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 60)
    bold = book.add_format({"bold": True})
    lines = [(_("Figure"), figure.title), *about]
    if figure.note:
        lines.append((_("Explanation"), figure.note))
    for index, (label, value) in enumerate(lines):
        info.write_string(index, 0, str(label), bold)
        info.write_string(index, 1, str(value))
    book.close()
    return output.getvalue()
