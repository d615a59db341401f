"""The dashboard pages on the small observed world (conftest.py) with the real indicators:
the figures on the page and in the downloads are the indicators' values."""

import io

import openpyxl
import pytest
from flask_babel import format_decimal, format_percent

from observations import indicators
from observations.dashboards.labels import labels_of
from observations.extensions import db
from observations.models import Site, Study
from tests.dashboards.conftest import table_of


@pytest.fixture
def lead(client, auth, observed):
    """The test client, logged in as alpha's research lead."""
    auth.login("alpha-lead")
    return client


def _results(app, observed, f=None):
    """The Bieb's dashboard as the indicators compute it, and the codebook labels (Dutch)."""
    with app.test_request_context():
        study = db.session.get(Study, observed.alpha)
        site = db.session.get(Site, observed.bieb)
        return indicators.site_dashboard(study, site, f or indicators.Filters()), labels_of(study)


def _rate_row(label: str, rate) -> list[str]:
    """A rate's row as the page's table writes it."""
    per_hour = "–" if rate.per_hour is None else format_decimal(rate.per_hour, "#,##0.0")
    return [
        label,
        format_decimal(rate.encounters, "#,##0"),
        format_decimal(rate.hours, "#,##0.0"),
        per_hour,
        "ja" if rate.thin else "",
    ]


def test_site_page_totals_are_the_observed_ones(lead, observed):
    html = lead.get(f"/studies/alpha/research/sites/{observed.bieb}").get_data(as_text=True)
    # The rejected session is left out: two sessions, 3 + 1 hours, 6 + 2 encounters.
    assert "<dt>Sessies</dt><dd>2</dd>" in html
    assert "<dt>Geobserveerde uren</dt><dd>4,0</dd>" in html
    assert "<dt>Ontmoetingen</dt><dd>8</dd>" in html
    assert "<dt>Ontmoetingen per geobserveerd uur</dt><dd>2,0</dd>" in html


def test_site_page_figures_equal_the_indicators(app, lead, observed):
    html = lead.get(f"/studies/alpha/research/sites/{observed.bieb}").get_data(as_text=True)
    board, labels = _results(app, observed)
    with app.test_request_context():
        expected = [
            _rate_row(labels.code("encounter_type", code), rate)
            for code, rate in board.rates_by_type.items()
        ]
        mixing = [
            format_percent(m.share, "#,##0.0%") if m.share is not None else "–"
            for m in board.mixing.values()
        ]
        weeks = [week.key for week in board.familiarity_weekly]
    assert table_of(html, "rates-by-type")[1:] == expected
    assert ["groet", "4", "4,0", "1,0", ""] in expected  # 3 greetings + 1 without a relation
    assert [row[3] for row in table_of(html, "mixing")[1:]] == mixing
    assert [row[0] for row in table_of(html, "familiarity")[1:]] == weeks
    assert weeks, "the Bieb was observed in two weeks"
    heat = table_of(html, "heat-map")[1:]
    assert len(heat) == len(board.heat_map)


def test_filters_reach_the_figures(app, lead, observed):
    url = f"/studies/alpha/research/sites/{observed.bieb}?days=weekend"
    html = lead.get(url).get_data(as_text=True)
    assert "<dt>Sessies</dt><dd>1</dd>" in html
    assert "<dt>Ontmoetingen</dt><dd>2</dd>" in html
    board, labels = _results(app, observed, indicators.Filters(days="weekend"))
    with app.test_request_context():
        expected = [
            _rate_row(labels.code("encounter_type", c), r) for c, r in board.rates_by_type.items()
        ]
    assert table_of(html, "rates-by-type")[1:] == expected


def test_download_equals_the_indicators(app, lead, observed):
    url = f"/studies/alpha/research/sites/{observed.bieb}/figures/rates-by-type.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(lead.get(url).data))
    _header, *rows = book["Figuur"].iter_rows(values_only=True)
    board, _labels = _results(app, observed)
    assert [(r[0], r[2], r[3], r[5]) for r in rows] == [
        (code, rate.encounters, pytest.approx(rate.hours), rate.thin)
        for code, rate in board.rates_by_type.items()
    ]
    assert [r[4] for r in rows] == [pytest.approx(r.per_hour) for r in board.rates_by_type.values()]


def test_compare_page_places_equal_the_indicators(app, lead, observed):
    html = lead.get("/studies/alpha/research/compare").get_data(as_text=True)
    with app.test_request_context():
        study = db.session.get(Study, observed.alpha)
        found = indicators.comparison(study, indicators.Filters())
        expected = [_rate_row(p.label, p.totals.rate) for p in found.places]
    assert [row[:5] for row in table_of(html, "places")[1:]] == expected
    assert {row[0] for row in expected} == {'Bieb <Zuid> & "Co"', "Wijkpark Oost"}
    per_city = lead.get("/studies/alpha/research/compare?level=city").get_data(as_text=True)
    assert [row[0] for row in table_of(per_city, "places")[1:]] == ["Almere"]
