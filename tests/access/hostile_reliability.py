"""Text fields of the reliability page (research/reliability): none. Its GET form takes a
site from a menu, dates and whole numbers, each checked and refused with a message."""


def fields(tmp) -> list:
    """This area's text fields: none."""
    return []
