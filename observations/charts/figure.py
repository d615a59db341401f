"""A figure: one chart's data as a small table, from which its SVG, HTML table and xlsx are made.

A figure has a key (its name in the download URL), a title, columns and rows. Rows hold raw
values (numbers stay numbers, None means "no figure"); each column's kind says how a value is
written: in the user's locale on the page, as a typed cell in the workbook. Columns of kind
"code" carry the raw codebook codes for analysis tools: they are written to the workbook, not
shown in the page's table.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

TEXT, CODE, INT, DECIMAL, INDEX, HOURS, PERCENT, FLAG = (
    "text",
    "code",
    "int",
    "decimal",
    "index",
    "hours",
    "percent",
    "flag",
)
# A small quotient that two decimals would blur (the staying ratio: 0.025).
RATIO = "ratio"
NUMBER_KINDS = (INT, DECIMAL, INDEX, HOURS, PERCENT, RATIO)
PATTERNS = {
    INT: "#,##0",
    DECIMAL: "#,##0.0",
    INDEX: "0.00",
    HOURS: "#,##0.0",
    RATIO: "0.000",
}
NO_FIGURE = "–"


def number(value, kind: str) -> str:
    """A number as the user's locale writes it: 12,5 / 12.5, 37,5% / 37.5%."""
    if value is None:
        return NO_FIGURE
    if kind == PERCENT:
        return format_percent(value, "#,##0.0%")
    return format_decimal(value, PATTERNS.get(kind, "#,##0.0"))


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its header, and the kind of its values."""

    key: str
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers (right-aligned, typed as numbers in xlsx)."""
        return self.kind in NUMBER_KINDS

    def text(self, value) -> str:
        """The value as the page shows it."""
        if self.kind == FLAG:
            return _("yes") if value else ""
        if self.kind in NUMBER_KINDS:
            return number(value, self.kind)
        return NO_FIGURE if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Figure:
    """A chart's data: a title, columns and rows of raw values keyed by column."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict, ...] = ()
    note: str = ""

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show: no rows, or no row with a number in it."""
        numbers = [c.key for c in self.columns if c.numeric]
        return not any(row.get(key) for row in self.rows for key in numbers)

    @property
    def shown_columns(self) -> tuple[Column, ...]:
        """The columns of the page's table (codes are for the workbook only)."""
        return tuple(c for c in self.columns if c.kind != CODE)

    def column(self, key: str) -> Column:
        """A column by its key."""
        return next(c for c in self.columns if c.key == key)

    def text(self, row: dict, key: str) -> str:
        """A row's value of a column, as the page shows it."""
        return self.column(key).text(row.get(key))

    def table(self) -> Iterator[list[tuple[Column, str]]]:
        """The page's table: per row, each shown column with its text."""
        for row in self.rows:
            yield [(c, c.text(row.get(c.key))) for c in self.shown_columns]
