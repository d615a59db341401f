"""Route × role rows for the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import FORBIDDEN, NOT_FOUND, Row, everyone, in_study, outcomes

# Study B's slot in a URL of study A: not found, also for those who may manage study A.
NOT_IN_A = {"coordinator_a": NOT_FOUND, "admin": NOT_FOUND}
EVERY_ROLE = ("fieldworker", "lead", "coordinator")
FIELD = in_study("a", *EVERY_ROLE, admin=FORBIDDEN)

ROWS: list = [
    # -- list, week calendar, coverage, reassign, cancel
    Row("manage.schedule", "GET", in_study("a", "coordinator")),
    Row("manage.schedule_week", "GET", in_study("a", "coordinator")),
    Row("manage.coverage", "GET", in_study("a", "coordinator")),
    Row(
        "manage.reassign_slot",
        "GET",
        in_study("a", "coordinator"),
        params={"slot_id": "slot of study a"},
    ),
    Row(
        "manage.reassign_slot",
        "GET",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="slot of study b",
        params={"slot_id": "slot of study b"},
    ),
    Row(
        "manage.reassign_slot",
        "POST",
        in_study("a", "coordinator"),
        params={"slot_id": "slot of study a"},
        form={},
    ),
    Row(
        "manage.reassign_slot",
        "POST",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="slot of study b",
        params={"slot_id": "slot of study b"},
        form={},
    ),
    Row(
        "manage.cancel_slot",
        "GET",
        in_study("a", "coordinator"),
        params={"slot_id": "slot of study a"},
    ),
    Row(
        "manage.cancel_slot",
        "GET",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="slot of study b",
        params={"slot_id": "slot of study b"},
    ),
    Row(
        "manage.cancel_slot",
        "POST",
        in_study("a", "coordinator"),
        params={"slot_id": "slot of study a"},
        form={"note": "Gesloten"},
    ),
    Row(
        "manage.cancel_slot",
        "POST",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="slot of study b",
        params={"slot_id": "slot of study b"},
        form={"note": "Gesloten"},
    ),
    # -- the observer's calendar: a private address, a download, the public feed
    Row("field.calendar", "GET", FIELD),
    Row("field.calendar", "POST", FIELD, form={}),
    Row("field.calendar_download", "GET", FIELD),
    Row(
        "main.calendar_feed",
        "GET",
        everyone(),
        params={"token": "calendar token of fieldworker_a"},
    ),
    Row(
        "main.calendar_feed",
        "GET",
        outcomes(NOT_FOUND),
        variant="unknown token",
        params={"token": "unknown calendar token"},
    ),
    # generator
    Row("manage.schedule_generate", "GET", in_study("a", "coordinator")),
    Row("manage.schedule_generate", "POST", in_study("a", "coordinator"), form={}),
    Row("manage.schedule_generate_save", "POST", in_study("a", "coordinator"), form={}),
]
