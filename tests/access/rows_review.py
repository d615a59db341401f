"""Route × role rows for reviewing sessions: the queue, bulk approval, the session page with
its decision form (research), and the fieldworker's reply (field).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import FORBIDDEN, NOT_FOUND, Row, in_study

RESEARCH = ("lead", "coordinator")
# Study B's session in a URL of study A: not found, also for those who may review in A.
NOT_IN_A = {"lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND, "admin": NOT_FOUND}
# Only the session's own fieldworker replies; other members of the study do not see it.
NOT_THEIRS = {"fieldworker_a2": NOT_FOUND, "lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND}


def _session_rows(endpoint: str, method: str, form: dict | None) -> list[Row]:
    """A session route with study A's session, and with study B's in study A's URL."""
    return [
        Row(
            endpoint,
            method,
            in_study("a", *RESEARCH),
            params={"session_id": "ended session of study a"},
            form=form,
        ),
        Row(
            endpoint,
            method,
            in_study("a", *RESEARCH, **NOT_IN_A),
            variant="session of study b",
            params={"session_id": "ended session of study b"},
            form=form,
        ),
    ]


ROWS: list = [
    Row("research.review_queue", "GET", in_study("a", *RESEARCH)),
    Row("research.bulk_approve", "POST", in_study("a", *RESEARCH), form={}),
    *_session_rows("research.session_page", "GET", None),
    *_session_rows(
        "research.review_session", "POST", {"state": "approved", "comment": "Prima sessie."}
    ),
    Row(
        "field.reply",
        "POST",
        in_study("a", "fieldworker", "lead", "coordinator", admin=FORBIDDEN, **NOT_THEIRS),
        params={"review_id": "review of fieldworker_a"},
        form={"text": "De scans staan er nu in."},
    ),
    Row(
        "field.reply",
        "POST",
        in_study(
            "a",
            "fieldworker",
            "lead",
            "coordinator",
            admin=FORBIDDEN,
            fieldworker_a=NOT_FOUND,
            **NOT_THEIRS,
        ),
        variant="review of fieldworker_b",
        params={"review_id": "review of fieldworker_b"},
        form={"text": "De scans staan er nu in."},
    ),
]
