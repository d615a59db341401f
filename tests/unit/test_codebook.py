"""The default codebook: complete, bilingual, without an ethnicity category, versioned."""

import pytest

from observations import codebook, studies
from observations.extensions import db
from observations.models import Category, Code

DESIGN_CATEGORIES = {
    "age": 5,
    "gender": 3,
    "company": 4,
    "role": 3,
    "regular": 3,
    "posture": 5,
    "activity": 12,
    "encounter_type": 7,
    "parties": 4,
    "relation": 3,
    "flags": 3,
    "conditions": 9,
    "weather": 12,
    "crowding": 5,
    "programme": 8,
}


def test_default_codebook_has_every_category_of_the_design():
    data = codebook.default_codebook()
    counts = {c["key"]: len(c["codes"]) for c in data["categories"]}
    assert counts == DESIGN_CATEGORIES


def test_every_label_exists_in_dutch_and_english():
    for category in codebook.default_codebook()["categories"]:
        assert category["label"]["nl"] and category["label"]["en"]
        for code in category["codes"]:
            assert code["label"]["nl"] and code["label"]["en"], code["code"]


def test_no_ethnicity_or_identifying_category():
    keys = " ".join(c["key"] for c in codebook.default_codebook()["categories"])
    for forbidden in ("ethnic", "race", "origin", "name", "photo"):
        assert forbidden not in keys


def test_unknown_is_allowed_for_perceived_age_and_gender():
    categories = {c["key"]: c for c in codebook.default_codebook()["categories"]}
    for key in ("age", "gender"):
        assert "unknown" in [code["code"] for code in categories[key]["codes"]]


def test_new_study_gets_version_one_of_the_default_codebook(app):
    with app.app_context():
        study = studies.create_study("Nieuw", "nieuw")
        db.session.commit()
        assert codebook.current_version(study) == 1
        by_key = codebook.codes_by_category(study)
        assert {k: len(v) for k, v in by_key.items()} == DESIGN_CATEGORIES
        assert by_key["crowding"][0].label("nl") == "leeg"
        assert by_key["crowding"][0].label("en") == "empty"


@pytest.mark.parametrize(
    ("introduced", "retired", "version", "valid"),
    [(1, None, 1, True), (2, None, 1, False), (1, 2, 1, True), (1, 2, 2, False), (1, 3, 2, True)],
)
def test_code_validity_follows_versions(introduced, retired, version, valid):
    assert Code(introduced_in=introduced, retired_in=retired).valid_in(version) is valid


def test_retired_code_stays_in_the_database_and_out_of_new_versions(app):
    with app.app_context():
        study = studies.create_study("Nieuw", "nieuw")
        crowding = db.session.scalar(
            db.select(Category).filter_by(study_id=study.id, key="crowding")
        )
        crowding.codes[0].retired_in = 2
        db.session.commit()
        assert len(codebook.codes_by_category(study, version=1)["crowding"]) == 5
        assert len(codebook.codes_by_category(study, version=2)["crowding"]) == 4
        assert crowding.codes[0].retired
