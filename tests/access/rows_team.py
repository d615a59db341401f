"""Route × role rows for the team: members, observer codes, availability (manage/team).

Added to expectations.ROWS; see expectations.py for how to write a row. Coordinators of
study A and the admin pass; a member or absence of study B in a URL of study A is not found.
"""

from tests.access.rows import NOT_FOUND, Row, in_study

NOT_IN_A = {"coordinator_a": NOT_FOUND, "admin": NOT_FOUND}


def _member_rows(endpoint: str, method: str, form=None) -> list[Row]:
    """A member route's row with study A's member, and its variant with study B's member."""
    return [
        Row(
            endpoint,
            method,
            in_study("a", "coordinator"),
            params={"member_id": "member of study a"},
            form=form,
        ),
        Row(
            endpoint,
            method,
            in_study("a", "coordinator", **NOT_IN_A),
            variant="member of study b",
            params={"member_id": "member of study b"},
            form=form,
        ),
    ]


ROWS: list = [
    Row("manage.team_page", "GET", in_study("a", "coordinator")),
    Row(
        "manage.add_member",
        "POST",
        in_study("a", "coordinator"),
        form={"who": "new", "username": "nieuwe-waarnemer", "role": "fieldworker"},
    ),
    *_member_rows("manage.member", "GET"),
    *_member_rows("manage.member_role", "POST", {"role": "lead"}),
    *_member_rows("manage.deactivate_member", "POST", {}),
    *_member_rows("manage.reactivate_member", "POST", {}),
    *_member_rows("manage.member_link", "POST", {}),
    *_member_rows(
        "manage.member_availability", "POST", {"d0p0_start": "09:00", "d0p0_end": "12:00"}
    ),
    *_member_rows(
        "manage.add_absence", "POST", {"first_day": "2026-08-01", "last_day": "2026-08-02"}
    ),
    # The coordinator removes it; the admin's second removal finds it gone, and that is fine.
    Row(
        "manage.remove_absence",
        "POST",
        in_study("a", "coordinator"),
        params={"member_id": "member of study a", "absence_id": "absence of study a"},
        form={},
    ),
    Row(
        "manage.remove_absence",
        "POST",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="absence of study b",
        params={"member_id": "member of study a", "absence_id": "absence of study b"},
        form={},
    ),
    Row(
        "manage.remove_absence",
        "POST",
        in_study("a", "coordinator", **NOT_IN_A),
        variant="member of study b",
        params={"member_id": "member of study b", "absence_id": "absence of study b"},
        form={},
    ),
]
