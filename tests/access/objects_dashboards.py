"""Named objects of the access tests' world for the research dashboards: the names of a
figure of each page (the sites themselves are named by objects_sites.py)."""


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    world.objects["a site figure"] = "rates-by-type"
    world.objects["a comparison figure"] = "places"
    world.objects["no such figure"] = "geen-figuur"
