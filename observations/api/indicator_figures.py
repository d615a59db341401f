"""The indicators' figures for the read API: the dashboards' own figures, one as a CSV table.

Both dashboards make their figures from indicator results (dashboards/site.py and
dashboards/compare.py); a Comparison holds everything either page shows, so every figure of
both comes from one. The CSV of a figure has the columns of its xlsx download, in the same
order and under the same headers, and the figure's raw values: numbers as numbers (shares
as fractions), a flag as 1 or 0, no figure as an empty cell.
"""

from collections.abc import Iterator

from ..charts import Figure
from ..charts.figure import FLAG
from ..dashboards import compare, site
from ..dashboards.labels import PLACE_LEVELS, Labels, labels_of
from ..export.csvzip import csv_text
from ..export.source import Column
from ..indicators import CATEGORIES, Comparison
from ..models import Study

# Every figure's name, as in the dashboards' download URLs: the site dashboard's, then the
# comparison's (both pages have "conditions": the API gives the comparison's, with every row;
# the site dashboard leaves out the profile items that never changed at its site).
FIGURES = (
    "rates-by-type",
    "rates-by-intensity",
    "familiarity",
    "mixing",
    *(f"mix-{category}" for category in CATEGORIES),
    "heat-map",
    "trend-rate",
    "trend-familiarity",
    "conditions",
    "places",
    "places-familiarity",
    "places-mixing",
    "places-age",
)


def labels_for(study: Study, labels: str) -> Labels:
    """The study's codebook names in the language in force, or (labels "codes") its codes."""
    found = labels_of(study)
    if labels != "codes":
        return found
    return Labels({key: key[1] for key in found.codes}, {key: key for key in found.categories})


def figures(comparison: Comparison, labels: Labels) -> dict[str, Figure]:
    """Every figure of both dashboards, by name, made from one comparison."""
    heading = str(PLACE_LEVELS[comparison.level]).capitalize()
    panels = {**site.panels(comparison, labels), **compare.panels(comparison, labels, heading)}
    return {name: panel.figure for name, panel in panels.items()}


def _value(kind: str, value):
    """A figure's value as the CSV writes it: a flag as 1 or 0, the rest as it is."""
    if kind == FLAG and value is not None:
        return int(bool(value))
    return value


def figure_csv(figure: Figure) -> Iterator[str]:
    """The figure's table as UTF-8 CSV text with a BOM, formula-like text defused."""
    columns = [Column(column.label, "text") for column in figure.columns]
    rows = (
        tuple(_value(column.kind, row.get(column.key)) for column in figure.columns)
        for row in figure.rows
    )
    return csv_text(columns, rows)
