"""A line with points for a weekly trend: weeks along the bottom, the figure up the side.

A week without a figure breaks the line rather than being drawn as zero. A point that rests
on few observed hours is hollow with a dashed outline, and its value carries an asterisk.
"""

import math
from collections.abc import Callable

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from . import svg
from .figure import PERCENT, Figure, number
from .notes import no_data, thin_legend

LEFT, RIGHT, TOP, PLOT = 48, 8, 26, 150
# Room between the axis and the first and last point, for their value and week labels.
INSET = 26
MOST_VALUE_LABELS = 10
MOST_TICKS = 7


def nice_top(largest: float) -> float:
    """A round number at or above the largest value, for the top of the axis."""
    if largest <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 2.5, 5, 10):
        if largest <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def tick_text(value: float, kind: str) -> str:
    """An axis value, without decimals it does not need: 25%, 2,5."""
    if kind == PERCENT:
        return format_percent(value, "#,##0.#%")
    return format_decimal(value, "#,##0.##")


def point(x: float, y: float) -> Markup:
    """A filled point."""
    return svg.el(
        "circle", cx=x, cy=y, r=5, fill=svg.BAR, stroke=svg.BAR, stroke_width=2, class_="point"
    )


def hollow_point(x: float, y: float) -> Markup:
    """A hollow point with a dashed outline: a figure on thin evidence."""
    return svg.el(
        "circle",
        cx=float(x),
        cy=float(y),
        r=5,
        fill="#ffffff",
        stroke=svg.BAR,
        stroke_width=2,
        stroke_dasharray="2 2",
        class_="point thin",
    )


def line_chart(
    figure: Figure,
    x: str,
    y: str,
    *,
    thin: str | None = None,
    tick: Callable[[object], str] = str,
    top: float | None = None,
) -> Markup:
    """Column `y` of each row as a point over column `x`, joined by a line."""
    rows = figure.rows
    values = [row.get(y) for row in rows]
    if not any(v is not None for v in values):
        return no_data()
    kind = figure.column(y).kind
    top = top or nice_top(max(v for v in values if v is not None))
    width = svg.WIDTH - LEFT - RIGHT - 2 * INSET
    step = width / max(len(rows) - 1, 1)

    def at(index: int, value: float) -> tuple[float, float]:
        x_pos = LEFT + INSET + (step * index if len(rows) > 1 else width / 2)
        return x_pos, TOP + PLOT - PLOT * min(value, top) / top

    body = []
    for i in range(5):
        level = top * i / 4
        _x, y_pos = at(0, level)
        body.append(
            svg.el(
                "line",
                x1=float(LEFT),
                y1=y_pos,
                x2=float(svg.WIDTH - RIGHT),
                y2=y_pos,
                stroke=svg.LINE_COLOUR,
            )
        )
        body.append(
            svg.text(
                LEFT - 6,
                y_pos + 4,
                tick_text(level, kind),
                size=12,
                text_anchor="end",
                fill=svg.MUTED,
            )
        )
    path, pen_down = [], False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x_pos, y_pos = at(index, value)
        path.append(f"{'L' if pen_down else 'M'}{svg.fmt(x_pos)},{svg.fmt(y_pos)}")
        pen_down = True
    body.append(svg.el("path", d=" ".join(path), fill="none", stroke=svg.BAR, stroke_width=2.5))
    every = math.ceil(len(rows) / MOST_TICKS)
    any_thin = False
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        x_pos, _y = at(index, 0)
        if index % every == 0:
            body.append(
                svg.text(x_pos, TOP + PLOT + 20, tick(row.get(x)), size=12, text_anchor="middle")
            )
        if value is None:
            continue
        is_thin = bool(thin and row.get(thin))
        any_thin |= is_thin
        x_pos, y_pos = at(index, value)
        body.append(hollow_point(x_pos, y_pos) if is_thin else point(x_pos, y_pos))
        if len(rows) <= MOST_VALUE_LABELS:
            shown = number(value, kind) + ("*" if is_thin else "")
            body.append(
                svg.text(
                    x_pos,
                    y_pos - 10,
                    shown,
                    size=12,
                    text_anchor="middle",
                    font_weight="bold",
                    class_="value",
                )
            )
    height = TOP + PLOT + 34
    if any_thin:
        legend, height = thin_legend(hollow_point(11, height + 10), height)
        body.extend(legend)
    description = _(
        "Line chart of %(what)s over %(num)d points. The table below the chart gives every figure.",
        what=figure.column(y).label,
        num=len(rows),
    )
    return svg.frame(figure.key, figure.title, description, height, body)
