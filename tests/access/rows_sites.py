"""Route × role rows for sites, zones, opening hours and site profiles (manage/sites).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row  # noqa: F401

ROWS: list = []
