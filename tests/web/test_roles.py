"""Membership details the route matrix does not vary: an inactive role, roles in two studies.

Who may open which page, in which study, is checked for every route and role by
tests/access/test_route_matrix.py against the table in tests/access/expectations.py.
"""

from observations import accounts
from observations.extensions import db
from observations.models import Membership, Study, User


def test_inactive_membership_loses_access(app, client, auth, world):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-lead"))
        db.session.scalar(db.select(Membership).filter_by(user_id=user.id)).active = False
        db.session.commit()
    auth.login("alpha-lead")
    assert client.get("/studies/alpha/research/").status_code == 404


def test_member_of_two_studies_chooses_one(app, client, auth, world):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-lead"))
        beta = db.session.scalar(db.select(Study).filter_by(slug="beta"))
        accounts.add_member(beta, user, "fieldworker")
        db.session.commit()
    response = auth.login("alpha-lead", follow_redirects=True)
    assert response.request.path == "/studies"
    page = response.get_data(as_text=True)
    assert "/studies/alpha/research/" in page
    assert "/studies/beta/field/" in page
    assert client.get("/studies/beta/field/").status_code == 200
    assert client.get("/studies/beta/research/").status_code == 403
