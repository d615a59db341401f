"""The dashboard pages with hand-made indicator results (tests/dashboards/made.py): what the
page shows, its downloads, bad filters, and who may see it."""

import io
from dataclasses import replace

import openpyxl
import pytest

from observations import indicators
from tests.dashboards import made
from tests.dashboards.conftest import HOSTILE_SITE, table_of


@pytest.fixture
def asked(monkeypatch) -> list:
    """The indicators answer with made results; the filters they were asked for are kept."""
    calls = []

    def site_dashboard(study, site, f):
        calls.append(f)
        return made.site_dashboard(site.id)

    def comparison(study, f, level="site"):
        calls.append((f, level))
        return made.comparison(level)

    monkeypatch.setattr(indicators, "site_dashboard", site_dashboard)
    monkeypatch.setattr(indicators, "comparison", comparison)
    return calls


@pytest.fixture
def lead(client, auth, observed):
    """The test client, logged in as alpha's research lead."""
    auth.login("alpha-lead")
    return client


def site_url(observed, tail: str = "") -> str:
    """The URL of the Bieb's dashboard (or of something below it)."""
    return f"/studies/alpha/research/sites/{observed.bieb}{tail}"


def test_site_page_shows_each_figure_as_chart_and_table(lead, observed, asked):
    html = lead.get(site_url(observed)).get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 13
    rows = table_of(html, "rates-by-type")
    assert rows[0] == [
        "Soort ontmoeting",
        "Ontmoetingen",
        "Geobserveerde uren",
        "Ontmoetingen per geobserveerd uur",
        "Dun bewijs",
    ]
    assert rows[2] == ["groet", "31", "12,5", "2,5", ""]
    conditions = table_of(html, "conditions")
    assert ["Drukte", "rustig", "5", "1,5", "3,3", "ja"] in conditions
    assert ["Zone: verplaatsbare stoelen beschikbaar", "ja", "40", "5,0", "8,0", ""] in conditions
    mixing = table_of(html, "mixing")
    assert mixing[1] == ["leeftijdsgroepen", "60", "21", "35,0%", "0,62", "0,56", "-0,30"]
    assert "1 − Σ p²" in html and "(E − I) ÷ (E + I)" in html  # the formulas are shown
    assert "Geobserveerde uren</dt><dd>12,5</dd>" in html


def test_site_page_escapes_the_site_name(lead, observed, asked):
    html = lead.get(site_url(observed)).get_data(as_text=True)
    assert HOSTILE_SITE not in html
    assert "Bieb &lt;Zuid&gt; &amp; &#34;Co&#34;" in html


def test_compare_page_escapes_place_names_in_chart_and_table(lead, observed, asked):
    html = lead.get("/studies/alpha/research/compare").get_data(as_text=True)
    assert "<b>" not in html
    assert "Bibliotheek &lt;b&gt;&amp;amp; Co&lt;/b&gt;" in html
    places = table_of(html, "places")
    assert places[1][:6] == ["Bibliotheek <b>&amp; Co</b>", "75", "12,5", "6,0", "", "5"]
    assert places[2][:6] == ["Wijkpark", "4", "1,2", "3,2", "ja", "1"]
    assert "bibliotheek, café" in places[1]  # the site's profile next to its figures


def test_figure_download_is_the_figure_as_typed_cells(lead, observed, asked):
    answer = lead.get(site_url(observed, "/figures/rates-by-type.xlsx?days=weekend"))
    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    header, *rows = book["Figuur"].iter_rows(values_only=True)
    assert header == (
        "Code",
        "Soort ontmoeting",
        "Ontmoetingen",
        "Geobserveerde uren",
        "Ontmoetingen per geobserveerd uur",
        "Dun bewijs",
    )
    board = made.site_dashboard()
    assert len(rows) == len(board.rates_by_type)
    for row, (code, rate) in zip(rows, board.rates_by_type.items(), strict=True):
        assert row[0] == code
        assert row[2:] == (rate.encounters, rate.hours, pytest.approx(rate.per_hour), rate.thin)
    assert book.sheetnames == ["Figuur", "Over"]
    about = dict(book["Over"].iter_rows(values_only=True))
    assert about["Figuur"] == "Ontmoetingen per geobserveerd uur naar soort ontmoeting"
    assert about["Locatie"] == HOSTILE_SITE
    assert about["Dagen"] == "weekend"
    assert asked[-1].days == "weekend"


def test_a_name_that_looks_like_a_formula_stays_text(lead, observed, asked, monkeypatch):
    found = made.comparison()
    formula = replace(found, places=[replace(found.places[0], label="=1+1")])
    monkeypatch.setattr(indicators, "comparison", lambda study, f, level="site": formula)
    answer = lead.get("/studies/alpha/research/compare/figures/places.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data))["Figuur"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"


def test_bad_filters_say_why_and_keep_the_others(lead, observed, asked):
    answer = lead.get(
        site_url(observed)
        + "?from=2026-13-01&to=2026-10-31&hour_from=18&hour_to=9&days=soms&review=approved"
        + "&zones=99999"
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "“2026-13-01”: Geef een datum als JJJJ-MM-DD." in html
    assert "Het tijdvak moet eindigen na het begin." in html
    assert "Kies alle dagen, doordeweeks of het weekend." in html
    assert "Kies zones van deze locatie." in html
    applied = asked[-1]
    assert applied.date_from is None and applied.date_to.isoformat() == "2026-10-31"
    assert applied.review == ("approved",) and applied.days == "all" and applied.zones == ()
    assert applied.hour_from == 18 and applied.hour_to == 24  # the end that broke it is dropped
    assert 'name="to" value="2026-10-31"' in html  # kept in the form


def test_a_window_from_the_end_of_the_day_is_refused_not_spun_on(lead, observed, asked):
    # hour_from=24 alone: the window would end (24, the default) where it starts. The page
    # once set aside the absent hour_to and read the same arguments again, forever; now the
    # start itself is refused (a window starts at 23 at the latest).
    for url in (site_url(observed), "/studies/alpha/research/compare"):
        answer = lead.get(url + "?hour_from=24&days=weekend")
        assert answer.status_code == 422
        assert "Geef een heel uur van 0 tot 23." in answer.get_data(as_text=True)
        applied = asked[-1][0] if isinstance(asked[-1], tuple) else asked[-1]
        assert (applied.hour_from, applied.hour_to, applied.days) == (0, 24, "weekend")


def test_a_zone_of_another_site_is_refused(lead, observed, asked):
    park = lead.get(f"/studies/alpha/research/sites/{observed.park}").get_data(as_text=True)
    assert "Leestafel" not in park
    answer = lead.get(
        f"/studies/alpha/research/sites/{observed.park}?zones={observed.reading_table}"
    )
    assert answer.status_code == 422
    assert asked[-1].zones == ()


def test_compare_level_and_sites(lead, observed, asked):
    answer = lead.get(f"/studies/alpha/research/compare?level=city&sites={observed.park}")
    assert answer.status_code == 200
    filters, level = asked[-1]
    assert level == "city" and filters.sites == (observed.park,)
    bad = lead.get(f"/studies/alpha/research/compare?level=straat&sites={observed.beta_site}")
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Kies locatie, wijk of stad." in html and "Kies locaties van deze studie." in html
    assert asked[-1] == (indicators.Filters(), "site")
    download = lead.get("/studies/alpha/research/compare/figures/places.xlsx?level=straat")
    assert download.status_code == 422


def test_download_links_carry_the_filters(lead, observed, asked):
    html = lead.get(site_url(observed) + "?days=weekday&hour_from=9").get_data(as_text=True)
    assert (
        f"/studies/alpha/research/sites/{observed.bieb}/figures/heat-map.xlsx?days=weekday"
        "&amp;hour_from=9"
    ) in html


def test_unknown_figure_is_not_found(lead, observed, asked):
    assert lead.get(site_url(observed, "/figures/geen.xlsx")).status_code == 404
    assert lead.get("/studies/alpha/research/compare/figures/geen.xlsx").status_code == 404


def test_research_home_links_each_site_and_the_comparison(lead, observed):
    html = lead.get("/studies/alpha/research/").get_data(as_text=True)
    assert f'href="/studies/alpha/research/sites/{observed.bieb}"' in html
    assert f'href="/studies/alpha/research/sites/{observed.park}"' in html
    assert 'href="/studies/alpha/research/compare"' in html


@pytest.mark.parametrize(
    ("username", "status"),
    [("alpha-fieldworker", 403), ("beta-lead", 404), ("alpha-coordinator", 200)],
)
def test_who_may_see_the_dashboards(client, auth, observed, asked, username, status):
    auth.login(username)
    for tail in ("", "/figures/rates-by-type.xlsx"):
        assert client.get(site_url(observed, tail)).status_code == status
    assert client.get("/studies/alpha/research/compare").status_code == status


def test_another_studys_site_is_not_found(lead, observed, asked):
    url = f"/studies/alpha/research/sites/{observed.beta_site}"
    assert lead.get(url).status_code == 404
    assert lead.get(url + "/figures/rates-by-type.xlsx").status_code == 404
