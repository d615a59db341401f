"""Route × role rows for accounts (admin), one-time password links, the study switcher.

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row  # noqa: F401

ROWS: list = []
