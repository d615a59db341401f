"""The study codebook: installing the default one and reading the current version."""

import json
from functools import cache
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Category, Code, Codebook, Study

DEFAULT_CODEBOOK = Path(__file__).parent / "data" / "codebook.json"


@cache
def default_codebook() -> dict:
    """Return the default codebook of DESIGN.md as parsed from the package data file."""
    return json.loads(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))


def install_default(study: Study, note: str = "") -> Codebook:
    """Give a new study version 1 of the default codebook.

    Its 15 categories and 86 codes go in as two multi-row INSERTs: every new study (and every
    test) makes one, and the ORM's object-by-object flush took four times as long. Kept
    codebook rules are dropped all the same: the Codebook row goes through the flush.
    """
    data = default_codebook()
    codebook = Codebook(study_id=study.id, version=1, note=note or data["name"]["en"])
    db.session.add(codebook)
    db.session.flush()
    categories = [
        {
            "study_id": study.id,
            "key": item["key"],
            "label_nl": item["label"]["nl"],
            "label_en": item["label"]["en"],
            "applies_to": item["applies_to"],
            "multiple": item["multiple"],
            "per_person": item.get("per_person"),
            "position": position,
        }
        for position, item in enumerate(data["categories"])
    ]
    ids = db.session.scalars(
        insert(Category).returning(Category.id, sort_by_parameter_order=True), categories
    ).all()
    codes = [
        {
            "category_id": category_id,
            "code": code["code"],
            "label_nl": code["label"]["nl"],
            "label_en": code["label"]["en"],
            "description_nl": code.get("description", {}).get("nl", ""),
            "description_en": code.get("description", {}).get("en", ""),
            "position": code_position,
            "introduced_in": 1,
        }
        for category_id, item in zip(ids, data["categories"], strict=True)
        for code_position, code in enumerate(item["codes"])
    ]
    db.session.execute(insert(Code), codes)
    return codebook


def current_version(study: Study) -> int:
    """Return the number of the study's newest codebook version."""
    return db.session.scalar(select(func.max(Codebook.version)).filter_by(study_id=study.id)) or 1


def categories(study: Study) -> list[Category]:
    """Return the study's categories in order, with their codes loaded."""
    return list(
        db.session.scalars(
            select(Category)
            .filter_by(study_id=study.id)
            .options(selectinload(Category.codes))
            .order_by(Category.position)
        )
    )


def codes_by_category(study: Study, version: int | None = None) -> dict[str, list[Code]]:
    """Return {category key: codes valid in the version}, the current version by default."""
    version = version or current_version(study)
    return {
        category.key: [code for code in category.codes if code.valid_in(version)]
        for category in categories(study)
    }
