"""100 % stacked bars for compositions: one bar per row, one segment per part, a legend below.

Each segment shows its share when it is wide enough to hold the text (in black or white,
whichever reads better on its colour); the table below the chart has every count. Colours
come from a palette safe for colour-blind readers, and the legend names each one.
"""

from flask_babel import gettext as _
from markupsafe import Markup

from . import svg
from .figure import INT, PERCENT, Figure, number
from .notes import hatched_swatch, no_data, thin_legend

BAR_HEIGHT = 24
GAP = 12
LEFT = 2
SWATCH = 12


def _legend(names: list[str], y: float) -> tuple[list[Markup], float]:
    """Swatches with the parts' names, flowing over as many lines as they need."""
    body, x = [], LEFT
    y += 4
    for index, name in enumerate(names):
        width = SWATCH + 6 + svg.text_width(name, 13) + 14
        if x > LEFT and x + width > svg.WIDTH:
            x, y = LEFT, y + 20
        colour = svg.PALETTE[index % len(svg.PALETTE)]
        body.append(
            svg.el(
                "rect",
                x=float(x),
                y=y + 2,
                width=SWATCH,
                height=SWATCH,
                fill=colour,
                stroke=svg.INK,
                stroke_width=0.5,
            )
        )
        body.append(svg.text(x + SWATCH + 5, y + 13, name, size=13))
        x += width
    return body, y + 26


def stacked_chart(
    figure: Figure, label: str, parts: list[str], *, thin: str | None = None
) -> Markup:
    """Each row's counts in columns `parts` as one bar split into their shares."""
    if figure.empty or not any(sum(r.get(p) or 0 for p in parts) for r in figure.rows):
        return no_data()
    pattern = f"{figure.key}-thin"
    width = svg.WIDTH - 2 * LEFT
    body, y, any_thin = [], 4.0, False
    for row in figure.rows:
        counts = [row.get(p) or 0 for p in parts]
        total = sum(counts)
        is_thin = bool(thin and row.get(thin))
        any_thin |= is_thin
        name = _("%(label)s (N = %(n)s)", label=row.get(label, ""), n=number(total, INT))
        for line in svg.wrap(name + ("*" if is_thin else ""), width):
            body.append(svg.text(LEFT, y + 14, line))
            y += svg.LINE
        y += 2
        x = float(LEFT)
        for index, count in enumerate(counts):
            if not count:
                continue
            share = count / total
            colour = svg.PALETTE[index % len(svg.PALETTE)]
            body.append(
                svg.el(
                    "rect",
                    x=x,
                    y=y,
                    width=width * share,
                    height=BAR_HEIGHT,
                    fill=colour,
                    class_="segment",
                )
            )
            shown = number(share, PERCENT)
            if svg.text_width(shown, 12) + 6 <= width * share:
                body.append(svg.text(x + 3, y + 16, shown, size=12, fill=svg.readable_on(colour)))
            x += width * share
        if total == 0:
            body.append(svg.text(LEFT + 4, y + 16, _("no data"), size=13, fill=svg.MUTED))
        body.append(
            svg.el(
                "rect",
                x=float(LEFT),
                y=y,
                width=float(width),
                height=BAR_HEIGHT,
                fill="none",
                stroke=svg.INK,
                stroke_width=0.75,
                stroke_dasharray="3 2" if is_thin else None,
            )
        )
        if is_thin:
            # A hatched strip under the bar: the shares in the bar stay readable.
            body.append(
                svg.el(
                    "rect",
                    x=float(LEFT),
                    y=y + BAR_HEIGHT + 2,
                    width=float(width),
                    height=7,
                    fill=f"url(#{pattern})",
                    stroke=svg.BAR,
                    stroke_width=0.75,
                    stroke_dasharray="3 2",
                    class_="thin",
                )
            )
            y += 9
        y += BAR_HEIGHT + GAP
    legend, y = _legend([figure.column(p).label for p in parts], y)
    body.extend(legend)
    if any_thin:
        key, y = thin_legend(hatched_swatch(pattern, y), y)
        body.extend(key)
    description = _(
        "Stacked bar chart with %(num)d bars, each split into shares that add up to 100%%. "
        "The table below the chart gives every count.",
        num=len(figure.rows),
    )
    return svg.frame(figure.key, figure.title, description, y, body, [svg.hatch(pattern)])
