"""Named objects of the access tests' world for the codebook editor and the audit log
(manage/codebook, manage/audit).
"""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
