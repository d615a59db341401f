"""Text fields of the codebook editor and the audit log (manage/codebook, manage/audit), for
the hostile-strings test.
"""


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return []
