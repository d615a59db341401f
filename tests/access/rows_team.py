"""Route × role rows for the team: members, observer codes, availability (manage/team).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row  # noqa: F401

ROWS: list = []
