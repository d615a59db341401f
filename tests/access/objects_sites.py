"""Named objects of the access tests' world for sites, zones, opening hours and site
profiles (manage/sites).
"""

from sqlalchemy import select

from observations.extensions import db
from observations.models import Site


def _first_site(study) -> Site:
    """The study's first site by name (the one world.py names "site of study …")."""
    return db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.name)).first()


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    for key, study in studies.items():
        site = _first_site(study)
        world.objects[f"site of study {key}"] = site.id
        world.objects[f"zone of study {key}"] = site.zones[0].id
