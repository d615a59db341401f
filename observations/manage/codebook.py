"""The codebook editor: categories and codes, retire and restore, xlsx export and import."""

from . import bp  # noqa: F401
