"""Sites and zones: create, edit, reorder, archive; opening hours; site profiles."""

from . import bp  # noqa: F401
