"""Text fields of the read API: none (it only reads; its query parameters are checked in
tests/web/test_read_api.py and by schemathesis)."""

FIELDS: list = []


def fields(tmp) -> list:
    """This area's text fields: none."""
    return FIELDS
