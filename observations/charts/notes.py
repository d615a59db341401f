"""What charts say besides their data: "no data", and the key to the thin-evidence style."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from . import svg

# The indicators' threshold (observations.indicators Rate.thin): below it a figure is thin.
THIN_HOURS = 2.0


def no_data() -> Markup:
    """Said instead of an empty chart."""
    return Markup('<p class="no-data">{}</p>').format(_("No data for these filters."))


def thin_text() -> str:
    """The key to the thin-evidence style, in the user's language."""
    return _(
        "* Drawn like this: rests on fewer than %(hours)s observed hours, thin evidence.",
        hours=format_decimal(THIN_HOURS, "#,##0.#"),
    )


def hatched_swatch(pattern_id: str, y: float) -> Markup:
    """A small pale, hatched bar with a dashed outline: the thin-evidence style of bars."""
    return svg.el(
        "rect",
        x=2.0,
        y=y + 4,
        width=18,
        height=12,
        fill=f"url(#{pattern_id})",
        stroke=svg.BAR,
        stroke_dasharray="3 2",
    )


def thin_legend(swatch: Markup, y: float) -> tuple[list[Markup], float]:
    """The thin-evidence style (a swatch drawn at y) and its key below a chart; the new y."""
    body = [swatch]
    for line in svg.wrap(thin_text(), svg.WIDTH - 28, 13):
        body.append(svg.text(26, y + 14, line, size=13, fill=svg.MUTED))
        y += 17
    return body, y + 6
