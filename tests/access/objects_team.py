"""Named objects of the access tests' world for the team: members, observer codes,
availability (manage/team).
"""

from datetime import date

from sqlalchemy import select

from observations.extensions import db
from observations.models import Absence, Membership


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    for key, actor in (("a", "fieldworker_a2"), ("b", "fieldworker_b")):
        membership = db.session.scalar(
            select(Membership).filter_by(study_id=studies[key].id, user_id=users[actor].id)
        )
        absence = Absence(
            membership=membership, first_day=date(2026, 7, 1), last_day=date(2026, 7, 14)
        )
        db.session.add(absence)
        db.session.flush()
        world.objects[f"member of study {key}"] = membership.id
        world.objects[f"absence of study {key}"] = absence.id
