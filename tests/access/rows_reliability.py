"""Route × role rows for the reliability page (research): leads and coordinators of the
study, and the admin. (A site of another study in its filter is refused with a message:
tests/reliability/test_page.py.)

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row, in_study

RESEARCH = ("lead", "coordinator")


def _shows_figures(response, _world, _actor) -> None:
    """The page holds the kappa table and names observers by code."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert 'data-label="κ"' in body and "W0" in body, "no figures on the reliability page"


ROWS: list = [
    Row("research.reliability_page", "GET", in_study("a", *RESEARCH), check=_shows_figures),
    Row(
        "research.reliability_page",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b"},
    ),
]
