"""The SVG charts: escaped text, numbers in the user's locale, thin evidence marked, "no data"
instead of an empty chart, and markup that is well-formed and named for screen readers."""

import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale

from observations.charts import (
    Column,
    Figure,
    bar_chart,
    heat_map,
    line_chart,
    stacked_chart,
)
from observations.charts.figure import CODE, DECIMAL, FLAG, HOURS, INT, PERCENT

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Zaal"'


@pytest.fixture
def request_context(app):
    """A request in the default language (Dutch)."""
    with app.test_request_context():
        yield


def rates(rows) -> Figure:
    """A figure of rates: label, encounters, hours, rate, thin flag."""
    return Figure(
        "rates",
        "Ontmoetingen per uur",
        (
            Column("label", "Soort"),
            Column("encounters", "Ontmoetingen", INT),
            Column("hours", "Uren", HOURS),
            Column("rate", "Per uur", DECIMAL),
            Column("thin", "Dun", FLAG),
        ),
        tuple(rows),
    )


def parsed(markup) -> ET.Element:
    """The chart as XML (it must be well-formed)."""
    return ET.fromstring(str(markup))


def test_bar_chart_escapes_labels_and_title(request_context):
    figure = Figure(
        "rates",
        HOSTILE,
        rates([]).columns,
        ({"label": HOSTILE, "encounters": 3, "hours": 4.0, "rate": 0.75, "thin": False},),
    )
    markup = str(bar_chart(figure, label="label", value="rate"))
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Zaal&#34;" in markup
    root = parsed(markup)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert HOSTILE in texts
    assert root.find(f"{SVG}title").text == HOSTILE


def test_bar_chart_is_an_image_named_by_its_title(request_context):
    figure = rates([{"label": "groet", "encounters": 5, "hours": 2.5, "rate": 2.0}])
    root = parsed(bar_chart(figure, label="label", value="rate"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "rates-title"
    assert root.find(f"{SVG}title").get("id") == "rates-title"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert root.get("width") == "100%"
    assert root.get("style") is None  # the content security policy allows no inline styles


def test_numbers_follow_the_users_locale(app):
    figure = rates([{"label": "groet", "encounters": 1250, "hours": 100.0, "rate": 12.5}])
    with app.test_request_context():
        dutch = str(bar_chart(figure, label="label", value="rate", hours="hours"))
        with force_locale("en"):
            english = str(bar_chart(figure, label="label", value="rate", hours="hours"))
    assert "12,5 · 100,0 u" in dutch
    assert "12.5 · 100.0 h" in english
    assert figure.text(figure.rows[0], "encounters") != ""
    with app.test_request_context():
        assert figure.text(figure.rows[0], "encounters") == "1.250"


def test_thin_evidence_is_hatched_dashed_and_starred(request_context):
    figure = rates(
        [
            {"label": "veel uren", "encounters": 30, "hours": 10.0, "rate": 3.0, "thin": False},
            {"label": "weinig uren", "encounters": 3, "hours": 1.5, "rate": 2.0, "thin": True},
        ]
    )
    root = parsed(bar_chart(figure, label="label", value="rate", thin="thin"))
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in (r.get("class") or "")]
    assert [b.get("class") for b in bars] == ["bar", "bar thin"]
    assert bars[0].get("fill") == "#0b5d4b" and bars[0].get("stroke-dasharray") is None
    assert bars[1].get("fill") == "url(#rates-thin)" and bars[1].get("stroke-dasharray")
    assert root.find(f".//{SVG}pattern[@id='rates-thin']") is not None
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["3,0", "2,0*"]
    key = " ".join(t.text for t in root.iter(f"{SVG}text") if t.get("class") != "value")
    assert "minder dan 2 geobserveerde uren, dun bewijs" in key


def test_no_thin_key_when_nothing_is_thin(request_context):
    figure = rates([{"label": "groet", "encounters": 30, "hours": 10.0, "rate": 3.0}])
    markup = str(bar_chart(figure, label="label", value="rate", thin="thin"))
    assert "*" not in markup and 'class="bar thin"' not in markup


def test_bars_are_as_long_as_their_values(request_context):
    figure = rates(
        [
            {"label": "a", "encounters": 4, "hours": 1.0, "rate": 4.0},
            {"label": "b", "encounters": 2, "hours": 1.0, "rate": 2.0},
            {"label": "c", "encounters": 0, "hours": 1.0, "rate": 0.0},
        ]
    )
    root = parsed(bar_chart(figure, label="label", value="rate"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(widths) == 2  # a zero value has no bar, only its label
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)


@pytest.mark.parametrize(
    "chart",
    [
        lambda f: bar_chart(f, label="label", value="rate"),
        lambda f: line_chart(f, x="label", y="rate"),
        lambda f: stacked_chart(f, label="label", parts=["encounters"]),
    ],
)
def test_empty_data_says_so_instead_of_an_empty_chart(request_context, chart):
    for figure in (rates([]), rates([{"label": "x", "encounters": 0, "hours": 0.0}])):
        markup = str(chart(figure))
        assert "<svg" not in markup
        assert 'class="no-data"' in markup
        assert "Geen gegevens bij deze filters." in markup


def test_empty_heat_map_says_so(request_context):
    figure = Figure("heat", "Warmte", (Column("day", "Dag", CODE), Column("rate", "R", DECIMAL)))
    assert "<svg" not in str(heat_map(figure, day="day", hour="hour", value="rate"))


def composition() -> Figure:
    """Three people in the morning, none in the evening."""
    return Figure(
        "mix",
        "Leeftijd",
        (
            Column("window", "Dagdeel"),
            Column("young", "<jong>", INT),
            Column("old", "oud", INT),
            Column("thin", "Dun", FLAG),
        ),
        (
            {"window": "ochtend", "young": 1, "old": 3, "thin": True},
            {"window": "avond", "young": 0, "old": 0, "thin": False},
        ),
    )


def test_stacked_bars_show_shares_legend_and_an_empty_row(request_context):
    root = parsed(stacked_chart(composition(), label="window", parts=["young", "old"], thin="thin"))
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]
    assert [float(s.get("width")) for s in segments] == pytest.approx([89.0, 267.0], abs=0.2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "25,0%" in texts and "75,0%" in texts
    assert "<jong>" in texts and "oud" in texts  # the legend, escaped in the markup
    assert "ochtend (N = 4)*" in texts
    assert "avond (N = 0)" in texts
    assert "geen gegevens" in texts
    assert any(r.get("class") == "thin" for r in root.iter(f"{SVG}rect"))


def test_segment_text_contrasts_with_its_colour(request_context):
    root = parsed(stacked_chart(composition(), label="window", parts=["young", "old"]))
    shares = {t.text: t.get("fill") for t in root.iter(f"{SVG}text") if "%" in (t.text or "")}
    assert shares == {"25,0%": "#ffffff", "75,0%": "#000000"}  # on blue, on orange


def weeks(values) -> Figure:
    """A weekly figure with a share per week (None: no coded encounters that week)."""
    return Figure(
        "trend",
        "Aandeel bekenden",
        (
            Column("week", "Week"),
            Column("share", "Aandeel", PERCENT),
            Column("thin", "Dun", FLAG),
        ),
        tuple(
            {"week": f"2026-W{40 + i}", "share": v, "thin": i == len(values) - 1}
            for i, v in enumerate(values)
        ),
    )


def test_line_chart_breaks_at_a_week_without_a_figure(request_context):
    markup = line_chart(
        weeks([0.2, 0.4, None, 0.5, 0.6]), x="week", y="share", thin="thin", top=1.0
    )
    root = parsed(markup)
    path = next(p for p in root.iter(f"{SVG}path") if p.get("stroke-width") == "2.5")
    assert path.get("d").count("M") == 2
    points = [c.get("class") for c in root.iter(f"{SVG}circle")]
    assert points.count("point") == 3 and points.count("point thin") == 2  # one in the key
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "20,0%" in texts and "60,0%*" in texts
    assert "100%" in texts and "2026-W40" in texts


def test_heat_map_leaves_unobserved_hours_empty(request_context):
    figure = Figure(
        "heat",
        "Per uur",
        (
            Column("day", "Dag", CODE),
            Column("hour", "Uur", INT),
            Column("rate", "Per uur", DECIMAL),
            Column("thin", "Dun", FLAG),
        ),
        (
            {"day": 1, "hour": 10, "rate": 2.0, "thin": False},
            {"day": 6, "hour": 12, "rate": 6.0, "thin": True},
        ),
    )
    root = parsed(heat_map(figure, day="day", hour="hour", value="rate", thin="thin"))
    cells = [r for r in root.iter(f"{SVG}rect") if "cell" in (r.get("class") or "")]
    assert len(cells) == 7 * 3  # hours 10, 11 and 12 of every weekday
    assert sum(c.get("class") == "cell empty" for c in cells) == 19
    assert all(c.get("fill") == "#ffffff" for c in cells if c.get("class") == "cell empty")
    assert [c.get("fill") for c in cells if c.get("class") == "cell"] == ["#a1dab4", "#253494"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[3:10] == ["ma", "di", "wo", "do", "vr", "za", "zo"]
    assert "4,8–6,0" in texts and "niet geobserveerd" in texts
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "thin"]) == 2


def test_one_burst_does_not_pale_the_heat_map(request_context):
    rates = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]
    figure = Figure(
        "heat",
        "Per uur",
        (Column("day", "Dag", CODE), Column("hour", "Uur", INT), Column("rate", "R", DECIMAL)),
        tuple({"day": 1, "hour": 8 + i, "rate": r} for i, r in enumerate(rates)),
    )
    root = parsed(heat_map(figure, day="day", hour="hour", value="rate"))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("class") == "cell"]
    # Equal steps up to 9.0 (nine in ten cells); the burst of 100 shares the darkest class.
    classes = ["#ffffcc", "#a1dab4", "#a1dab4", "#41b6c4", "#41b6c4", "#2c7fb8", "#2c7fb8"]
    assert fills == classes + ["#253494"] * 3
    assert "≥ 7,2" in [t.text for t in root.iter(f"{SVG}text")]
