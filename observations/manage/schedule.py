"""The schedule: generate a plan, list and week calendar, reassign and cancel, coverage."""

from . import bp  # noqa: F401
