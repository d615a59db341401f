"""Route × role rows for the codebook editor and the audit log (manage/codebook, manage/audit).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row  # noqa: F401

ROWS: list = []
