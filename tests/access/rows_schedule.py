"""Route × role rows for the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row  # noqa: F401

ROWS: list = []
