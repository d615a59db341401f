"""Text fields of the research dashboards: none. Their filter forms are GET forms whose
values are read, never stored (tests/dashboards/test_pages.py feeds them bad values)."""

FIELDS: list = []


def fields(tmp) -> list:
    """This area's text fields: none."""
    return FIELDS
