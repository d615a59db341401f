"""A weekday × hour heat map: one row per weekday, one column per hour of the day.

Only the hours from the first to the last one observed get a column, so that the cells
stay wide enough on a phone. The colour scale (ColorBrewer YlGnBu, five classes) changes in
lightness from class to class, so it reads for colour-blind readers and in grey; an hour
never observed stays an empty cell. A dot marks a cell resting on few observed hours.
"""

import math

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from . import svg
from .figure import Figure, number
from .notes import no_data, thin_legend

SCALE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
LABELS, TOP, ROW, RIGHT = 34, 20, 26, 2


def day_names() -> dict[int, str]:
    """ISO weekday (1 = Monday) -> its short name in the user's language."""
    names = get_locale().days["format"]["abbreviated"]
    return {day: str(names[day - 1]) for day in range(1, 8)}


def colour_of(value: float, largest: float) -> str:
    """The colour class of a value, on equal steps from zero to the largest value."""
    if largest <= 0:
        return SCALE[-1] if value > 0 else SCALE[0]
    return SCALE[min(int(len(SCALE) * value / largest), len(SCALE) - 1)]


def dot(x: float, y: float, fill: str) -> Markup:
    """The thin-evidence mark of a cell."""
    return svg.el("circle", cx=float(x), cy=float(y), r=2.5, fill=fill, class_="thin")


def scale_top(values: list[float]) -> float:
    """Where the darkest class starts from: the value nine in ten cells stay at or under.

    Most cells of a weekday × hour grid rest on an hour or two, so one burst of encounters
    in a short visit would otherwise push every other cell into the palest class; the few
    cells above it share the darkest class (shown as "≥ …").
    """
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _legend(largest: float, beyond: bool, kind: str, y: float) -> tuple[list[Markup], float]:
    """The colour classes with their ranges, and the empty cell of hours never observed."""
    body, x = [], 2.0
    steps = [largest * i / len(SCALE) for i in range(len(SCALE) + 1)]
    items = [
        (colour, f"{number(low, kind)}–{number(high, kind)}")
        for colour, low, high in zip(SCALE, steps, steps[1:], strict=False)
    ]
    if beyond:
        items[-1] = (SCALE[-1], f"≥ {number(steps[-2], kind)}")
    items.append(("#ffffff", _("not observed")))
    y += 4
    for colour, name in items:
        width = 16 + svg.text_width(name, 12) + 12
        if x > 2 and x + width > svg.WIDTH:
            x, y = 2.0, y + 20
        body.append(
            svg.el(
                "rect",
                x=x,
                y=y + 2,
                width=12,
                height=12,
                fill=colour,
                stroke=svg.MUTED,
                stroke_width=0.75,
            )
        )
        body.append(svg.text(x + 16, y + 12, name, size=12))
        x += width
    return body, y + 24


def heat_map(figure: Figure, day: str, hour: str, value: str, *, thin: str | None = None) -> Markup:
    """Column `value` of each (weekday `day`, hour `hour`) row as a coloured cell."""
    cells = {(row[day], row[hour]): row for row in figure.rows if row.get(value) is not None}
    if not cells:
        return no_data()
    kind = figure.column(value).kind
    first, last = min(h for _d, h in cells), max(h for _d, h in cells)
    hours = list(range(first, last + 1))
    width = (svg.WIDTH - LABELS - RIGHT) / len(hours)
    every = 1 if len(hours) <= 8 else 2 if len(hours) <= 14 else 3
    largest = scale_top([row[value] for row in cells.values()])
    beyond = any(row[value] > largest for row in cells.values())
    body, any_thin = [], False
    for index, h in enumerate(hours):
        if (h - first) % every == 0:
            x = LABELS + width * index + width / 2
            body.append(svg.text(x, TOP - 6, str(h), size=12, text_anchor="middle"))
    for weekday, name in day_names().items():
        y = TOP + ROW * (weekday - 1)
        body.append(svg.text(2, y + ROW / 2 + 5, name, size=13))
        for index, h in enumerate(hours):
            x = LABELS + width * index
            row = cells.get((weekday, h))
            fill = colour_of(row[value], largest) if row else "#ffffff"
            body.append(
                svg.el(
                    "rect",
                    x=x + 0.5,
                    y=y + 0.5,
                    width=width - 1,
                    height=float(ROW - 1),
                    fill=fill,
                    stroke=svg.MUTED if row else svg.LINE_COLOUR,
                    stroke_width=0.5,
                    class_="cell" if row else "cell empty",
                )
            )
            if row and thin and row.get(thin):
                any_thin = True
                body.append(dot(x + width / 2, y + ROW / 2, svg.readable_on(fill)))
    y = TOP + ROW * 7 + 6
    body.append(svg.text(2, y + 12, _("Hour of the day"), size=12, fill=svg.MUTED))
    legend, y = _legend(largest, beyond, kind, y + 18)
    body.extend(legend)
    if any_thin:
        key, y = thin_legend(
            Markup("").join(
                (
                    svg.el(
                        "rect", x=2.0, y=y + 2, width=18, height=16, fill=SCALE[2], stroke=svg.MUTED
                    ),
                    dot(11, y + 10, svg.readable_on(SCALE[2])),
                )
            ),
            y,
        )
        body.extend(key)
    description = _(
        "Heat map of %(what)s per weekday and hour of the day, %(num)d cells with observed "
        "hours. The table below the chart gives every figure.",
        what=figure.column(value).label,
        num=len(cells),
    )
    return svg.frame(figure.key, figure.title, description, y, body)
