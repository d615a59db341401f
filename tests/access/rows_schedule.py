"""Route × role rows for the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import Row, in_study

ROWS: list = [
    # generator
    Row("manage.schedule_generate", "GET", in_study("a", "coordinator")),
    Row("manage.schedule_generate", "POST", in_study("a", "coordinator"), form={}),
    Row("manage.schedule_generate_save", "POST", in_study("a", "coordinator"), form={}),
]
