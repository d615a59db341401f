"""Route × role rows for accounts (admin), one-time password links, the study switcher.

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    Row,
    admin_only,
    everyone,
    outcomes,
)

SPARE = {"user_id": "account of spare"}
NO_SUCH = {"user_id": "no such account"}
# An account id that does not exist: the admin gets 404, everyone else is stopped before.
MISSING = outcomes(FORBIDDEN, anonymous=LOGIN, admin=NOT_FOUND)


def _with_missing(endpoint: str, method: str, form=None, **params) -> list[Row]:
    """A route on the spare account, and its variant on an account that does not exist."""
    return [
        Row(endpoint, method, admin_only(), params={**SPARE, **params}, form=form),
        Row(
            endpoint,
            method,
            MISSING,
            variant="no such account",
            params={**NO_SUCH, **params},
            form=form,
        ),
    ]


ROWS: list = [
    Row("admin.accounts", "GET", admin_only()),
    Row(
        "admin.accounts",
        "GET",
        admin_only(),
        variant="filtered",
        query={"q": "account search", "status": "status deactivated"},
    ),
    Row("admin.new_account", "GET", admin_only()),
    Row("admin.new_account", "POST", admin_only(), form={"username": "x", "display_name": ""}),
    *_with_missing("admin.account", "GET"),
    *_with_missing("admin.add_membership", "POST", form={}),
    *_with_missing(
        "admin.change_role",
        "POST",
        form={},
        membership_id="membership of spare",
    ),
    # Another account's membership in the URL of this one: not found.
    Row(
        "admin.change_role",
        "POST",
        MISSING,
        variant="membership of another account",
        params={**SPARE, "membership_id": "membership of fieldworker_b"},
        form={},
    ),
    *_with_missing("admin.deactivate", "POST", form={}),
    *_with_missing("admin.reactivate", "POST", form={}),
    *_with_missing("admin.set_admin", "POST", form={}),
    *_with_missing("admin.reset_password", "POST", form={}),
    # -- the page a one-time link opens: anyone holding a valid link; any other token is 404
    Row("auth.set_password", "GET", everyone(), params={"token": "password link of spare"}),
    Row(
        "auth.set_password",
        "GET",
        outcomes(NOT_FOUND),
        variant="unknown link",
        params={"token": "no such link"},
    ),
    Row(
        "auth.set_password",
        "POST",
        everyone(),
        params={"token": "password link of spare"},
        form={"new_password": "kort"},
    ),
    Row(
        "auth.set_password",
        "POST",
        outcomes(NOT_FOUND),
        variant="unknown link",
        params={"token": "no such link"},
        form={},
    ),
]
