"""Charts drawn on the server as inline SVG, each made from a Figure that also gives its
HTML table and its xlsx download (no chart framework, no script, no third-party code)."""

from .bars import bar_chart
from .figure import Column, Figure, number
from .heat import heat_map
from .lines import line_chart
from .notes import THIN_HOURS, no_data
from .stacked import stacked_chart
from .xlsx import workbook

__all__ = [
    "THIN_HOURS",
    "Column",
    "Figure",
    "bar_chart",
    "heat_map",
    "line_chart",
    "no_data",
    "number",
    "stacked_chart",
    "workbook",
]
