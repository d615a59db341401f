"""Named objects of the access tests' world for the team: members, observer codes,
availability (manage/team).
"""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
