"""Named objects of the access tests' world for accounts (admin), one-time password links,
the study switcher.
"""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
