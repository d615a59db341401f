"""Route × role rows for corrections by leads and coordinators (research/corrections).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import NOT_FOUND, Row, in_study

RESEARCH = ("lead", "coordinator")
# Study B's session in a URL of study A: not found, also for those who may use the route in A.
NOT_IN_A = {"lead_a": NOT_FOUND, "coordinator_a": NOT_FOUND, "admin": NOT_FOUND}
KINDS = ("session", "scan", "encounter", "note")


def _params(kind: str, study: str) -> dict[str, str]:
    """The URL parameters of a record of study a or b."""
    return {
        "session_id": f"corrected session of study {study}",
        "kind": f"kind {kind}",
        "uuid": f"{kind} to correct in study {study}",
    }


ROWS: list = [
    *[
        Row(
            "research.correct_record",
            "GET",
            in_study("a", *RESEARCH),
            variant=kind,
            params=_params(kind, "a"),
        )
        for kind in KINDS
    ],
    Row(
        "research.correct_record",
        "GET",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="encounter of study b",
        params=_params("encounter", "b"),
    ),
    # A reason alone: nothing else is sent, so the form answers 422 and nothing changes.
    Row(
        "research.correct_record",
        "POST",
        in_study("a", *RESEARCH),
        variant="encounter",
        params=_params("encounter", "a"),
        form={"reason": "Tikfout"},
    ),
    Row(
        "research.correct_record",
        "POST",
        in_study("a", *RESEARCH, **NOT_IN_A),
        variant="encounter of study b",
        params=_params("encounter", "b"),
        form={"reason": "Tikfout"},
    ),
]
