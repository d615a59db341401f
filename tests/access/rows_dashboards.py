"""Route × role rows for the research dashboards: a site's dashboard, the cross-site
comparison, and each one's figure downloads (research).

Added to expectations.ROWS; see expectations.py for how to write a row. Leads and
coordinators of study A and the admin pass; a site of study B in a URL of study A, and a
figure that does not exist, are not found.
"""

from tests.access.rows import NOT_FOUND, Row, in_study

RESEARCH = ("lead", "coordinator")
NOT_IN_A = {"lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND, "admin": NOT_FOUND}
SITE_A = {"site_id": "site of study a"}
SITE_B = {"site_id": "site of study b"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_workbook(response, _world, _actor) -> None:
    """A download that passed is an xlsx file (a zip archive)."""
    assert response.mimetype == XLSX, response.mimetype
    assert response.get_data()[:2] == b"PK"


ROWS: list = [
    Row("research.site_dashboard", "GET", in_study("a", *RESEARCH), params=SITE_A),
    Row(
        "research.site_dashboard",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="site of study b",
        params=SITE_B,
    ),
    Row(
        "research.site_figure",
        "GET",
        in_study("a", *RESEARCH),
        params={**SITE_A, "figure": "a site figure"},
        check=is_workbook,
    ),
    Row(
        "research.site_figure",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="site of study b",
        params={**SITE_B, "figure": "a site figure"},
    ),
    Row(
        "research.site_figure",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="no such figure",
        params={**SITE_A, "figure": "no such figure"},
    ),
    Row("research.compare_sites", "GET", in_study("a", *RESEARCH)),
    Row(
        "research.compare_figure",
        "GET",
        in_study("a", *RESEARCH),
        params={"figure": "a comparison figure"},
        check=is_workbook,
    ),
    Row(
        "research.compare_figure",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="no such figure",
        params={"figure": "no such figure"},
    ),
]
