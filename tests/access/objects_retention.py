"""Named objects of the access tests' world for the retention pages (manage/retention): none
by name; study A gets a retention period of one month, so that where its sessions are old
enough (the demo's, in the page sweep) the admin's overview marks it past its period.
"""


def add(world, studies: dict, users: dict) -> None:
    """Give study A a retention period (studies: "a"/"b"; users: by actor)."""
    studies["a"].retention_months = 1
