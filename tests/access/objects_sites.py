"""Named objects of the access tests' world for sites, zones, opening hours and site
profiles (manage/sites).
"""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
