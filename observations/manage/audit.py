"""The audit log: every change of study data, accounts and codebook, filtered and paged."""

from . import bp  # noqa: F401
