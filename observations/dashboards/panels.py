"""A panel: one figure and the chart drawn from it; and the figures both pages share.

Each figure is made from indicator results once; its chart, its table on the page and its
workbook are all made from that figure, so the three always show the same numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask_babel import gettext as _
from markupsafe import Markup

from ..charts import Column, Figure, bar_chart, number, stacked_chart
from ..charts.figure import CODE, DECIMAL, FLAG, HOURS, INDEX, INT, TEXT
from ..indicators import ConditionRow, Rate, Shares
from .labels import WINDOW_NAMES, Labels


@dataclass(frozen=True)
class Panel:
    """A figure and how its chart is drawn."""

    figure: Figure
    draw: Callable[[Figure], Markup]

    @property
    def key(self) -> str:
        """The figure's name in its download's URL."""
        return self.figure.key

    @property
    def chart(self) -> Markup:
        """The chart, as inline SVG (or the "no data" message)."""
        return self.draw(self.figure)


def rate_columns() -> tuple[Column, ...]:
    """Encounters, observed hours, encounters per observed hour and the thin-evidence flag."""
    return (
        Column("encounters", _("Encounters"), INT),
        Column("hours", _("Observed hours"), HOURS),
        Column("rate", _("Encounters per observed hour"), DECIMAL),
        Column("thin", _("Thin evidence"), FLAG),
    )


def rate_cells(rate: Rate) -> dict:
    """A rate's cells for rate_columns."""
    return {
        "encounters": rate.encounters,
        "hours": rate.hours,
        "rate": rate.per_hour,
        "thin": rate.thin,
    }


def rates_panel(key: str, title: str, header: str, rates: dict[str, Rate], name) -> Panel:
    """Encounters per observed hour for each code of a category, as bars."""
    rows = tuple({"code": code, "label": name(code), **rate_cells(r)} for code, r in rates.items())
    hours = next(iter(rates.values())).hours if rates else 0.0
    figure = Figure(
        key,
        title,
        (Column("code", _("Code"), CODE), Column("label", header), *rate_columns()),
        rows,
        note=_(
            "Each bar divides its encounters by all %(hours)s observed hours.",
            hours=number(hours, HOURS),
        ),
    )
    return Panel(figure, partial(bar_chart, label="label", value="rate", thin="thin"))


def mix_panel(
    key: str, category: str, labels: Labels, whole: Shares, windows: dict[str, Shares]
) -> Panel:
    """The visitor mix of one category, for the whole day and per time window, with diversity."""
    codes = list(whole.counts)
    parts = [f"n_{index}" for index in range(len(codes))]
    columns = [Column("window", _("Time of day"))]
    columns += [
        Column(part, labels.code(category, code), INT)
        for part, code in zip(parts, codes, strict=True)
    ]
    columns += [
        Column("total", _("People counted (N)"), INT),
        Column("blau", _("Blau index"), INDEX),
        Column("blau_corrected", _("Blau index, corrected N/(N−1)"), INDEX),
        Column("shannon", _("Shannon index"), INDEX),
    ]
    rows = []
    for window, shares in (("all", whole), *windows.items()):
        row = {"window": str(WINDOW_NAMES.get(window, window)), "total": shares.total}
        row |= {p: shares.counts.get(code, 0) for p, code in zip(parts, codes, strict=True)}
        row |= {
            "blau": shares.blau,
            "blau_corrected": shares.blau_corrected,
            "shannon": shares.shannon,
        }
        rows.append(row)
    title = _("Visitor mix: %(category)s", category=labels.category(category))
    figure = Figure(key, title, tuple(columns), tuple(rows))
    return Panel(figure, partial(stacked_chart, label="window", parts=parts))


def varying(rows: list[ConditionRow]) -> list[ConditionRow]:
    """The rows without the site-profile items that had one value throughout.

    On one site's dashboard a profile item that never changed has a single level whose rate is
    the site's own: it compares nothing. (Across sites, on the comparison, it does.)
    """
    levels: dict[str, set[str]] = {}
    for row in rows:
        levels.setdefault(row.factor, set()).add(row.level)
    return [
        row
        for row in rows
        if not (row.factor.startswith("profile:") and len(levels[row.factor]) < 2)
    ]


def conditions_panel(key: str, rows: list[ConditionRow], labels: Labels) -> Panel:
    """The encounter rate under each level of each condition, grouped by condition."""
    figure = Figure(
        key,
        _("Conditions and encounters"),
        (
            Column("factor", _("Condition code"), CODE),
            Column("level_code", _("Level code"), CODE),
            Column("condition", _("Condition"), TEXT),
            Column("level", _("Level")),
            *rate_columns(),
        ),
        tuple(
            {
                "factor": row.factor,
                "level_code": row.level,
                "condition": labels.factor(row.factor),
                "level": labels.level(row.factor, row.level),
                **rate_cells(row.rate),
            }
            for row in rows
        ),
        note=_(
            "Encounters per observed hour under each level, with the observed hours behind it. "
            "Zone conditions count zone-hours (a session's hours once for every zone it judged), "
            "so their yes and no compare with each other, not with the site's overall rate."
        ),
    )
    draw = partial(bar_chart, label="level", value="rate", hours="hours", thin="thin")
    return Panel(figure, partial(draw, group="condition"))
