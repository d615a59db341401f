"""Text fields of the health check: none. GET /healthz takes no input at all."""


def fields(tmp) -> list:
    """This area's text fields: none."""
    return []
