"""Text fields of the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule), for the hostile-strings test.
"""


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return []
