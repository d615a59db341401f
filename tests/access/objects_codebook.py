"""Named objects of the access tests' world for the codebook editor and the audit log
(manage/codebook, manage/audit).
"""

from sqlalchemy import select

from observations.extensions import db
from observations.models import Category, Code


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    for key, study in studies.items():
        category = db.session.scalar(select(Category).filter_by(study_id=study.id, key="activity"))
        code = db.session.scalar(select(Code).filter_by(category_id=category.id, code="waiting"))
        world.objects[f"category of study {key}"] = category.id
        world.objects[f"code of study {key}"] = code.id
