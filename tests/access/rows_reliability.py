"""Route × role rows for the reliability page (research): leads and coordinators of the
study, and the admin; a site of another study in its filter is a form error, not a leak.

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row, in_study

RESEARCH = ("lead", "coordinator")


def _shows_figures(response, _world, _actor) -> None:
    """The page holds the kappa table and names observers by code."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert 'data-label="κ"' in body and "W0" in body, "no figures on the reliability page"


def _refuses_the_site(response, world, _actor) -> None:
    """A site of study B is refused as a choice; its name is not shown."""
    assert response.status_code == 422, response.status_code
    assert "Buurthuis Berk" not in response.get_data(as_text=True)


ROWS: list = [
    Row("research.reliability_page", "GET", in_study("a", *RESEARCH), check=_shows_figures),
    Row(
        "research.reliability_page",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b"},
    ),
    Row(
        "research.reliability_page",
        "GET",
        in_study("a", *RESEARCH),
        variant="site of study b",
        query={"site": "site of study b"},
        check=_refuses_the_site,
    ),
]
