"""Writing SVG by hand: escaped elements, wrapped labels, the frame every chart shares.

Every text and attribute value is escaped (labels come from site and zone names people
typed). Styles are presentation attributes, never `style=`: the content security policy
allows no inline styles. Sizes are in viewBox units; a chart is 360 units wide, the width
of a phone's page, so 14 units read as 14 px there and the chart scales with the page.
"""

from markupsafe import Markup, escape

WIDTH = 360
FONT = 14
LINE = 18
INK = "#1b1f1d"
MUTED = "#4f5a55"
LINE_COLOUR = "#c9d3ce"
BAR = "#0b5d4b"
PALE = "#d6ebe4"
# Okabe & Ito's palette, safe for the common colour-vision deficiencies (grey last).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
)
# Average glyph width of a sans-serif face, as a share of the font size (to wrap labels).
GLYPH = 0.56


def fmt(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(values: dict) -> Markup:
    """Attributes, escaped; None and False leave an attribute out, floats are shortened."""
    parts = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = fmt(value)
        parts.append(Markup(' {}="{}"').format(Markup(name), value))
    return Markup("").join(parts)


def el(tag: str, children=(), **values) -> Markup:
    """An element with its attributes and children (texts are escaped)."""
    if isinstance(children, str):
        children = (children,)
    inner = Markup("").join(escape(child) for child in children)
    if not inner:
        return Markup("<{}{}/>").format(Markup(tag), attrs(values))
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attrs(values), inner)


def text(x: float, y: float, content: str, size: int = FONT, **values) -> Markup:
    """A line of text at (x, y) (y is the baseline)."""
    values.setdefault("fill", INK)
    return el("text", str(content), x=float(x), y=float(y), font_size=size, **values)


def text_width(content: str, size: int = FONT) -> float:
    """Roughly how wide a text is drawn."""
    return len(content) * size * GLYPH


def wrap(content: str, width: float, size: int = FONT) -> list[str]:
    """Split a label into lines that fit the width (a word longer than a line is cut)."""
    most = max(4, int(width / (size * GLYPH)))
    lines, line = [], ""
    for word in str(content).split():
        while len(word) > most:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:most])
            word = word[most:]
        candidate = f"{line} {word}".strip()
        if len(candidate) > most and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


def hatch(pattern_id: str, colour: str = BAR) -> Markup:
    """A pale, diagonally hatched fill: how a figure on thin evidence is drawn."""
    return el(
        "pattern",
        (
            el("rect", width=6, height=6, fill=PALE),
            el("path", d="M0,6 L6,0", stroke=colour, stroke_width=1.5),
        ),
        id=pattern_id,
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
    )


def frame(chart_id: str, title: str, description: str, height: float, body, defs=()) -> Markup:
    """The chart's <svg>: an image named by its title and described for screen readers."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return el(
        "svg",
        (
            el("title", title, id=title_id),
            el("desc", description, id=desc_id),
            *((el("defs", tuple(defs)),) if defs else ()),
            *body,
        ),
        xmlns="http://www.w3.org/2000/svg",
        class_="chart-svg",
        viewBox=f"0 0 {WIDTH} {fmt(height)}",
        width="100%",
        role="img",
        aria_labelledby=title_id,
        aria_describedby=desc_id,
    )


def readable_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with the fill (a #rrggbb colour)."""
    red, green, blue = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"
