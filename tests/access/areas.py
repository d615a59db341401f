"""The areas whose routes, world objects and text fields live in files of their own:
rows_<area>.py, objects_<area>.py and hostile_<area>.py (fewer hands in one file)."""

import importlib

AREAS = (
    "accounts",
    "sites",
    "team",
    "schedule",
    "codebook",
    "review",
    "corrections",
    "reliability",
    "dashboards",
    "readapi",
    "retention",
    "health",
    "imports",
)


def modules(kind: str) -> list:
    """The modules of one kind ("rows", "objects" or "hostile") of every area."""
    return [importlib.import_module(f"tests.access.{kind}_{area}") for area in AREAS]
