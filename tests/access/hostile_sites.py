"""Text fields of sites, zones, opening hours and site profiles (manage/sites), for the
hostile-strings test.
"""


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return []
