"""Validation errors that services raise and views, forms and the CLI show."""


class Invalid(Exception):
    """Bad input: a message per field, already in the user's language."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(
            "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in errors.items())
        )
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> "Invalid":
        """Build the error for one field."""
        return cls({field: [message]})


def collect(checks: dict[str, list]) -> None:
    """Raise Invalid for the fields whose list of messages is not empty."""
    errors = {field: [str(m) for m in messages] for field, messages in checks.items() if messages}
    if errors:
        raise Invalid(errors)
