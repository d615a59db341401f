"""Horizontal bar chart: one bar per row, its label above it, its value (and hours) after it.

Labels sit above their bars so that long site, zone and code names wrap across the whole
width of a phone instead of squeezing the bars. A figure that rests on few observed hours
is drawn pale and hatched, with a dashed outline and an asterisk after its value.
"""

from flask_babel import gettext as _
from markupsafe import Markup

from . import svg
from .figure import HOURS, Figure, number
from .notes import hatched_swatch, no_data, thin_legend

BAR_HEIGHT = 16
GAP = 12
LEFT = 2


def _value_text(row: dict, figure: Figure, value: str, hours: str | None, thin: bool) -> str:
    """The text after a bar: the value, the observed hours behind it, a thin-evidence mark."""
    shown = number(row.get(value), figure.column(value).kind)
    if hours is not None and row.get(hours) is not None:
        shown = _("%(value)s · %(hours)s h", value=shown, hours=number(row[hours], HOURS))
    return shown + ("*" if thin else "")


def _reference(body: list, x: float, bottom: float, name: str) -> float:
    """A dashed line across the bars at x, and its key below the chart; returns the new y."""
    body.append(
        svg.el("line", x1=x, y1=4.0, x2=x, y2=bottom - GAP, stroke=svg.INK, stroke_dasharray="4 3")
    )
    y = bottom
    body.append(
        svg.el(
            "line", x1=2.0, y1=y + 10, x2=20.0, y2=y + 10, stroke=svg.INK, stroke_dasharray="4 3"
        )
    )
    for line in svg.wrap(name, svg.WIDTH - 28, 13):
        body.append(svg.text(26, y + 14, line, size=13, fill=svg.MUTED))
        y += 17
    return y + 6


def bar_chart(
    figure: Figure,
    label: str,
    value: str,
    *,
    hours: str | None = None,
    thin: str | None = None,
    group: str | None = None,
    top: float | None = None,
    reference: tuple[float, str] | None = None,
) -> Markup:
    """The figure's rows as horizontal bars of column `value`, labelled by column `label`.

    `hours` adds the observed hours after each value, `thin` names the column that marks
    thin evidence, `group` a column whose changes start a bold heading, `top` the least
    value the longest bar stands for, and `reference` (value, text) a dashed line, e.g. 1.
    """
    if figure.empty:
        return no_data()
    rows = figure.rows
    texts = [_value_text(r, figure, value, hours, bool(thin and r.get(thin))) for r in rows]
    reserve = min(150.0, max(60.0, max(svg.text_width(t) for t in texts) + 10))
    longest = svg.WIDTH - LEFT - reserve
    largest = max(
        [r[value] for r in rows if r.get(value) is not None]
        + [top or 0, reference[0] if reference else 0]
    )
    pattern = f"{figure.key}-thin"
    body, y, heading, any_thin = [], 4.0, None, False
    for row, shown in zip(rows, texts, strict=True):
        if group and row.get(group) != heading:
            heading = row.get(group)
            y += 6
            for line in svg.wrap(str(heading), svg.WIDTH - LEFT):
                body.append(svg.text(LEFT, y + 14, line, font_weight="bold"))
                y += svg.LINE
        for line in svg.wrap(str(row.get(label, "")), svg.WIDTH - LEFT):
            body.append(svg.text(LEFT, y + 14, line))
            y += svg.LINE
        y += 2
        figure_value = row.get(value)
        is_thin = bool(thin and row.get(thin))
        any_thin |= is_thin
        length = longest * figure_value / largest if figure_value and largest > 0 else 0.0
        if length > 0:
            body.append(
                svg.el(
                    "rect",
                    x=float(LEFT),
                    y=y,
                    width=max(length, 1.0),
                    height=BAR_HEIGHT,
                    fill=f"url(#{pattern})" if is_thin else svg.BAR,
                    stroke=svg.BAR,
                    stroke_width=1,
                    stroke_dasharray="3 2" if is_thin else None,
                    class_="bar thin" if is_thin else "bar",
                )
            )
        body.append(
            svg.text(
                LEFT + length + 6,
                y + BAR_HEIGHT - 3,
                shown,
                font_weight="bold",
                font_style="italic" if is_thin else None,
                class_="value",
            )
        )
        y += BAR_HEIGHT + GAP
    if reference is not None and largest > 0:
        body_y = y
        y = _reference(body, LEFT + longest * reference[0] / largest, body_y, reference[1])
    if any_thin:
        legend, y = thin_legend(hatched_swatch(pattern, y), y)
        body.extend(legend)
    description = _(
        "Bar chart with %(num)d bars. The table below the chart gives every figure.",
        num=len(rows),
    )
    return svg.frame(figure.key, figure.title, description, y, body, [svg.hatch(pattern)])
