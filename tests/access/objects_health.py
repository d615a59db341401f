"""Named objects of the access tests' world for the health check: none (it takes no
parameters and shows no object)."""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects: nothing to add."""
