"""Route × role rows for the PLDP import page (research/import): the page with its form, and
the progress of an import for the page to poll. Leads and coordinators of the study (and the
admin, as on every research page) pass; an import of another study is not found.

Added to expectations.ROWS; see expectations.py for how to write a row. (What the page does
with good and bad files: tests/imports/.)
"""

from tests.access.rows import NOT_FOUND, Row, in_study

RESEARCH = ("lead", "coordinator")
NOT_IN_A = {"lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND, "admin": NOT_FOUND}


def _status(response, _world, _actor) -> None:
    """The poll answers the import's state as JSON."""
    assert response.get_json()["status"] == "done", response.get_json()


ROWS: list = [
    Row("research.import_page", "GET", in_study("a", *RESEARCH)),
    # No file: the form comes back (422) with its message; nothing is imported.
    Row("research.import_page", "POST", in_study("a", *RESEARCH), form={}),
    Row(
        "research.import_status",
        "GET",
        in_study("a", *RESEARCH),
        params={"job_id": "import of lead_a"},
        check=_status,
    ),
    Row(
        "research.import_status",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="import of lead_b",
        params={"job_id": "import of lead_b"},
    ),
    Row(
        "research.import_status",
        "GET",
        in_study("b", *RESEARCH),
        variant="study b",
        params={"slug": "study b", "job_id": "import of lead_b"},
    ),
]
