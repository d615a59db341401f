"""The reliability page: figures, filters, bad input, and who may see it."""

import re

import pytest

from observations.extensions import db
from observations.models import Site
from tests.conftest import AuthActions

URL = "/studies/betrouw/research/reliability"


@pytest.fixture
def as_user(paired, client):
    """Log the client in as one of the study's users (by username)."""

    def login(username: str):
        assert AuthActions(client).login(username).status_code == 302
        return client

    return login


def cells(html: str, label: str) -> list[str]:
    """The cells of the row headed `label`, as text, in the order of the page."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\">([^<]*)</th>(.*?)</tr>", html, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        ]
        for name, body in rows
        if name == label
    ]


def test_the_lead_sees_kappa_icc_bands_and_flags(as_user):
    html = as_user("leider").get(URL).get_data(as_text=True)
    assert "<h1>Betrouwbaarheid tussen waarnemers</h1>" in html
    # First the table over all pairs, then W01 and W02's: the same figures.
    kind = cells(html, "Soort ontmoeting")
    assert len(kind) == 2
    kappa, band, pairs, agreement, remark = kind[0]
    assert (kappa, band, pairs, agreement) == ("0,59", "matig", "10", "70\u00a0%")
    assert remark == "laag: onder 0,6"
    parties = cells(html, "Betrokkenen")[0]
    assert parties[0] == "–" and "één en dezelfde" in parties[4]
    across = cells(html, "Kenmerken van de ontmoeting: tussen leeftijdsgroepen")[0]
    assert across[0] == "1,00" and across[4]
    total = cells(html, "Aantal mensen (totaal)")[0]
    assert total[:5] == ["0,92", "bijna volledig", "4", "1,75", "50\u00a0%"]
    assert "W01" in html and "W02" in html
    assert not re.search(r"\b(Ann|Bob)\b", html)  # observers by code, never by name


def test_filters_and_tolerances(as_user):
    client = as_user("leider")
    html = client.get(URL, query_string={"tolerance": "30"}).get_data(as_text=True)
    assert cells(html, "Soort ontmoeting")[0][2] == "6"
    html = client.get(URL, query_string={"date_from": "2026-05-05"}).get_data(as_text=True)
    assert "Geen gepaarde sessies bij deze filters." in html
    assert (
        cells(html, "Soort ontmoeting")[0][4] == "Geen gekoppelde paren: niets om te vergelijken."
    )


@pytest.mark.parametrize(
    "query",
    [
        {"tolerance": "0"},
        {"tolerance": "zestig"},
        {"scan_tolerance": "3601"},
        {"date_from": "4-5-2026"},
        {"date_from": "2026-05-05", "date_to": "2026-05-04"},
        {"site": "999999"},
    ],
)
def test_bad_input_is_explained_and_kept(as_user, query):
    response = as_user("leider").get(URL, query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    for value in query.values():
        if value != "999999":
            assert f'value="{value}"' in html


def test_a_site_of_another_study_is_refused_without_its_name(paired, as_user):
    elsewhere = Site(study_id=paired.other.id, name="Markt Elders", kind="market")
    db.session.add(elsewhere)
    db.session.commit()
    response = as_user("leider").get(URL, query_string={"site": elsewhere.id})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ongeldige keuze" in html
    assert "Markt Elders" not in html


def test_the_coordinator_may_look(as_user):
    assert as_user("coordinator").get(URL).status_code == 200


def test_fieldworkers_are_refused_and_other_studies_are_hidden(as_user, client):
    assert as_user("ann").get(URL).status_code == 403
    AuthActions(client).logout()
    assert as_user("ander").get(URL).status_code == 404


def test_the_research_home_links_to_it(as_user):
    html = as_user("leider").get("/studies/betrouw/research/").get_data(as_text=True)
    assert 'href="/studies/betrouw/research/reliability"' in html
