"""The staying ratio on the site dashboard: shown when the site has people-moving counts,
with the numbers of the hand-made study (tests/export/passers_field.py), under the filters."""

import io

import openpyxl
import pytest

from observations.extensions import db
from tests.dashboards.conftest import table_of
from tests.export import passers_field

HEADER = [
    "Tellijn",
    "Tellingen gekoppeld",
    "Passanten per uur",
    "Scans gekoppeld",
    "Verblijvers per scan",
    "Verblijfsratio",
    "Tellingen zonder scan",
]


@pytest.fixture
def counted(app, client, auth):
    """The study of passers_field, and its lead logged in."""
    with app.app_context():
        built = passers_field.build()
        db.session.remove()
    auth.login("tellen-lead")
    return built


def page(client, site: int, query: str = "") -> str:
    answer = client.get(f"/studies/tellen/research/sites/{site}{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_site_page_shows_the_staying_ratio(client, counted):
    html = page(client, counted.sites["Bieb"])
    assert "Passeren en verblijven" in html
    rows = table_of(html, "staying-ratio")
    assert rows == [HEADER, ["Entree", "2", "120,0", "3", "6,0", "0,050", "1"]]
    park = table_of(page(client, counted.sites["Park"]), "staying-ratio")
    assert park[1:] == [
        ["Pad", "1", "180,0", "1", "3,0", "0,017", "1"],
        ["Vijverpad", "1", "180,0", "2", "4,5", "0,025", "0"],
    ]


def test_its_download_holds_the_exact_figures(client, counted):
    answer = client.get(
        f"/studies/tellen/research/sites/{counted.sites['Park']}/figures/staying-ratio.xlsx"
    )
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    ratios = {row[1]: row[6] for row in rows[1:]}
    assert ratios["Pad"] == pytest.approx(1 / 60) and ratios["Vijverpad"] == pytest.approx(0.025)
    assert {row[0] for row in rows[1:]} == {counted.zones["Pad"], counted.zones["Vijverpad"]}


def test_the_filters_choose_the_counts(client, counted):
    park = counted.sites["Park"]
    only_pond = table_of(
        page(client, park, f"?zones={counted.zones['Vijverpad']}"), "staying-ratio"
    )
    assert [row[0] for row in only_pond[1:]] == ["Vijverpad"]
    afternoon = page(client, counted.sites["Bieb"], "?hour_from=12")
    assert "Passeren en verblijven" not in afternoon, "no count starts after noon"
    missing = client.get(
        f"/studies/tellen/research/sites/{counted.sites['Bieb']}/figures/staying-ratio.xlsx"
        "?hour_from=12"
    )
    assert missing.status_code == 404
    unpaired = table_of(
        page(client, counted.sites["Bieb"], "?from=2026-05-06&to=2026-05-06"), "staying-ratio"
    )
    assert unpaired[1] == ["Entree", "0", "–", "0", "–", "–", "1"]


def test_a_rejected_session_leaves_its_counts_out(app, client, counted):
    with app.app_context():
        db.session.execute(
            db.text("UPDATE sessions SET review_state = 'rejected' WHERE uuid = :u"),
            {"u": counted.sessions["A"]},
        )
        db.session.commit()
    rows = table_of(page(client, counted.sites["Bieb"]), "staying-ratio")
    assert rows[1] == ["Entree", "0", "–", "0", "–", "–", "1"]
