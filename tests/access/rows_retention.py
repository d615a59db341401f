"""Route × role rows for the retention pages (manage/retention): the retention period and
deleting a study's records. Coordinators of the study and the admin pass.

Added to expectations.ROWS; see expectations.py for how to write a row. (What the pages do
with good and bad input: tests/retention/test_pages.py.)
"""

from tests.access.rows import Row, in_study

STUDY_B = {"slug": "study b"}


def _shows_what_goes(response, _world, _actor) -> None:
    """The purge page counts the study's sessions by table and names the last export."""
    body = response.get_data(as_text=True)
    assert "<code>sessions</code>" in body and "data-export" in body, "no counts on the page"


def _refused_or_kept(response, _world, _actor) -> None:
    """A wrong short name deletes nothing: the page answers again (422), not a redirect."""
    assert response.status_code == 422, response.status_code


ROWS: list = [
    Row("manage.retention_page", "GET", in_study("a", "coordinator")),
    Row(
        "manage.retention_page",
        "GET",
        in_study("b", "coordinator"),
        variant="study b",
        params=STUDY_B,
    ),
    Row(
        "manage.retention_page",
        "POST",
        in_study("a", "coordinator"),
        form={"retention_months": "24"},
    ),
    Row("manage.purge_page", "GET", in_study("a", "coordinator"), check=_shows_what_goes),
    Row(
        "manage.purge_page", "GET", in_study("b", "coordinator"), variant="study b", params=STUDY_B
    ),
    Row(
        "manage.purge_page",
        "POST",
        in_study("a", "coordinator"),
        form={"confirmation": "niet-de-korte-naam"},
        check=_refused_or_kept,
    ),
]
