"""Named objects of the access tests' world for reviewing sessions (research/review,
research/sessions, field/reviews): an ended session per fieldworker, with a decision on it.
"""

import uuid
from datetime import timedelta

from sqlalchemy import select

from observations.extensions import db
from observations.models import Encounter, Review, Session, Site, utcnow


def _ended_session(study, user) -> Session:
    """An ended session of the user yesterday at the study's first site, with one encounter."""
    site = db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.name)).first()
    start = utcnow().replace(microsecond=0) - timedelta(days=1)
    session = Session(
        uuid=str(uuid.uuid4()),
        study_id=study.id,
        site_id=site.id,
        fieldworker_id=user.id,
        started_at=start,
        ended_at=start + timedelta(hours=1),
        crowding="moderate",
        programme="none",
        zones=list(site.zones),
    )
    session.weather = ["indoors"]
    session.encounters.append(
        Encounter(
            uuid=str(uuid.uuid4()),
            study_id=study.id,
            zone_id=site.zones[0].id,
            occurred_at=start + timedelta(minutes=5),
            encounter_type="greeting",
            parties="visitor_visitor",
            relation="strangers",
        )
    )
    db.session.add(session)
    db.session.flush()
    return session


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    for actor, key, lead in (("fieldworker_a", "a", "lead_a"), ("fieldworker_b", "b", "lead_b")):
        session = _ended_session(studies[key], users[actor])
        world.objects[f"ended session of study {key}"] = session.id
        review = Review(
            session_id=session.id,
            reviewer_id=users[lead].id,
            state="has_issues",
            comment="Graag de scans van de leestafels aanvullen.",
        )
        session.review_state = "has_issues"
        db.session.add(review)
        db.session.flush()
        world.objects[f"review of {actor}"] = review.id
