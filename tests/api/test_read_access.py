"""Who reads a study's tables through the API: its leads, coordinators and the admin.

A fieldworker of the study gets 403, a member of another study 404 (as pages answer), and a
request without a valid token 401 — on every table.
"""

import pytest
import sqlalchemy as sa

from observations import tokens
from observations.extensions import db
from observations.models import User
from tests.conftest import AuthActions, bearer

TABLES = ("sessions", "scans", "encounters", "notes", "passers", "sites", "codebook")


def url(table: str, study: str = "alpha") -> str:
    """The URL of a table of a study."""
    return f"/api/v1/studies/{study}/{table}"


@pytest.mark.parametrize("table", TABLES)
def test_readers_get_the_table(client, observed, table):
    for reader in ("alpha-lead", "alpha-coordinator", "root"):
        response = client.get(url(table), headers=bearer(observed.tokens[reader]))
        assert response.status_code == 200, (reader, response.get_json())
        assert response.get_json()["data"], reader


@pytest.mark.parametrize("table", TABLES)
def test_without_a_token_the_answer_is_401(client, observed, table):
    response = client.get(url(table))
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer tl_nonsense", "Bearer ", "Basic YWxwaGE6eA==", "tl_x"])
def test_bad_tokens_get_401(client, observed, header):
    response = client.get(url("encounters"), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["message"] == "De API-token is onbekend, ingetrokken of ongeldig."


def test_a_revoked_token_gets_401(app, client, observed):
    token = observed.tokens["alpha-lead"]
    assert client.get(url("scans"), headers=bearer(token)).status_code == 200
    with app.app_context():
        lead = db.session.scalar(sa.select(User).filter_by(username="alpha-lead"))
        for made in tokens.tokens_of(lead):
            tokens.revoke_token(lead, made.id)
        db.session.commit()
    assert client.get(url("scans"), headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("table", TABLES)
def test_a_fieldworker_of_the_study_gets_403(client, observed, table):
    response = client.get(url(table), headers=bearer(observed.tokens["alpha-fieldworker"]))
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "Geen toegang",
        "message": "Alleen onderzoeksleiders en coördinatoren van deze studie mogen haar "
        "gegevens lezen.",
    }


@pytest.mark.parametrize("table", TABLES)
def test_a_member_of_another_study_gets_404(client, observed, table):
    response = client.get(url(table), headers=bearer(observed.tokens["beta-lead"]))
    assert response.status_code == 404 and response.is_json
    assert "alpha" not in response.get_data(as_text=True).lower()


def test_an_unknown_study_is_404(client, observed):
    response = client.get(url("sessions", "gamma"), headers=bearer(observed.tokens["root"]))
    assert response.status_code == 404


def test_a_logged_in_browser_reads_without_a_csrf_header(client, observed):
    AuthActions(client).login("alpha-lead")
    response = client.get(url("sessions"))
    assert response.status_code == 200
    assert len(response.get_json()["data"]) == 3


def test_answers_are_not_cached(client, observed):
    response = client.get(url("notes"), headers=bearer(observed.tokens["alpha-lead"]))
    assert response.headers["Cache-Control"] == "no-store"
