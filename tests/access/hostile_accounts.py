"""Text fields of accounts (admin), one-time password links, the study switcher, for the
hostile-strings test.
"""


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return []
