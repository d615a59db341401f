"""Text fields of the team: members, observer codes, availability (manage/team), for the
hostile-strings test.
"""


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return []
