"""The admin creates studies; bad input gets a clear message and keeps what was typed."""

from observations import codebook
from observations.extensions import db
from observations.models import AuditEvent, Study


def post_study(client, auth, **data):
    """Submit the new-study form."""
    data["csrf_token"] = auth.token("/admin/")
    return client.post("/admin/studies", data=data)


def test_admin_creates_a_study_with_the_default_codebook(app, client, auth, world):
    auth.login("root")
    response = post_study(client, auth, name="Pleinen 2027", slug="pleinen-2027")
    assert response.status_code == 302
    with app.app_context():
        study = db.session.scalar(db.select(Study).filter_by(slug="pleinen-2027"))
        assert study.name == "Pleinen 2027"
        assert len(codebook.codes_by_category(study)["encounter_type"]) == 7
        assert db.session.scalar(
            db.select(AuditEvent).filter_by(entity="study", entity_key=str(study.id))
        )
    assert "Studie Pleinen 2027 aangemaakt." in client.get("/admin/").get_data(as_text=True)


def test_bad_short_name_is_explained_and_input_kept(client, auth, world):
    auth.login("root")
    response = post_study(client, auth, name="Pleinen 2027", slug="Pleinen 2027!")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Een korte naam heeft 2 tot 40 tekens" in page
    assert 'value="Pleinen 2027"' in page


def test_taken_short_name_is_explained(client, auth, world):
    auth.login("root")
    page = post_study(client, auth, name="Nog een", slug="alpha").get_data(as_text=True)
    assert "De korte naam alpha is al in gebruik." in page


def test_missing_fields_are_explained(client, auth, world):
    auth.login("root")
    page = post_study(client, auth, name="", slug="").get_data(as_text=True)
    assert "Geef de studie een naam." in page
    assert "Geef de studie een korte naam." in page


def test_non_admin_cannot_create_a_study(app, client, auth, world):
    auth.login("alpha-coordinator")
    response = client.post(
        "/admin/studies", data={"name": "X", "slug": "xx", "csrf_token": auth.token("/account")}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(Study).filter_by(slug="xx")) is None
