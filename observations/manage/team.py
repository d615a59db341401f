"""The team: members with a role, observer codes, availability and dates away."""

from . import bp  # noqa: F401
