"""Named objects of the access tests' world for the read API: session ids to look for, the
value of ?format= that asks for CSV, and a figure of the indicators."""

from sqlalchemy import select

from observations.extensions import db
from observations.models import Session


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    for actor in ("fieldworker_a", "fieldworker_b"):
        uuid = world[f"session of {actor}"]
        world.objects[f"id of session of {actor}"] = db.session.scalar(
            select(Session.id).filter_by(uuid=uuid)
        )
    world.objects["csv"] = "csv"
    world.objects["figure places"] = "places"
