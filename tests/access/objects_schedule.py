"""Named objects of the access tests' world for the schedule: generator, list, calendar,
coverage, calendar feeds (manage/schedule).
"""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
