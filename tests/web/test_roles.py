"""Role checks in the study being accessed; other studies stay invisible."""

import pytest

PAGES = {
    "field": "/studies/{}/field/",
    "research": "/studies/{}/research/",
    "manage": "/studies/{}/manage/",
}

# (user, page, status in own study alpha); in study beta every member of alpha gets 404.
MATRIX = [
    ("alpha-fieldworker", "field", 200),
    ("alpha-fieldworker", "research", 403),
    ("alpha-fieldworker", "manage", 403),
    ("alpha-lead", "field", 200),
    ("alpha-lead", "research", 200),
    ("alpha-lead", "manage", 403),
    ("alpha-coordinator", "field", 200),
    ("alpha-coordinator", "research", 200),
    ("alpha-coordinator", "manage", 200),
]


@pytest.mark.parametrize(("username", "area", "status"), MATRIX)
def test_role_decides_access_in_own_study(client, auth, world, username, area, status):
    auth.login(username)
    assert client.get(PAGES[area].format("alpha")).status_code == status


@pytest.mark.parametrize(("username", "area", "_status"), MATRIX)
def test_other_studies_are_not_found(client, auth, world, username, area, _status):
    auth.login(username)
    response = client.get(PAGES[area].format("beta"))
    assert response.status_code == 404
    assert "Study beta" not in response.get_data(as_text=True)


@pytest.mark.parametrize("area", PAGES)
def test_unknown_study_is_not_found(client, auth, world, area):
    auth.login("alpha-coordinator")
    assert client.get(PAGES[area].format("no-such-study")).status_code == 404


@pytest.mark.parametrize("path", [*PAGES.values(), "/admin/"])
def test_anonymous_users_are_sent_to_login(client, world, path):
    response = client.get(path.format("alpha"))
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_admin_sees_research_and_manage_of_every_study(client, auth, world):
    auth.login("root")
    for slug in ("alpha", "beta"):
        assert client.get(PAGES["research"].format(slug)).status_code == 200
        assert client.get(PAGES["manage"].format(slug)).status_code == 200
        assert client.get(PAGES["field"].format(slug)).status_code == 403


@pytest.mark.parametrize("username", ["alpha-fieldworker", "alpha-lead", "alpha-coordinator"])
def test_only_the_admin_sees_the_admin_page(client, auth, world, username):
    auth.login(username)
    assert client.get("/admin/").status_code == 403


def test_inactive_membership_loses_access(app, client, auth, world):
    from observations.extensions import db
    from observations.models import Membership, User

    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="alpha-lead"))
        db.session.scalar(db.select(Membership).filter_by(user_id=user.id)).active = False
        db.session.commit()
    auth.login("alpha-lead")
    assert client.get(PAGES["research"].format("alpha")).status_code == 404


def test_member_of_two_studies_chooses_one(app, client, auth, world):
    from observations import accounts
    from observations.extensions import db
    from observations.models import Study, User

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
    assert client.get(PAGES["field"].format("beta")).status_code == 200
    assert client.get(PAGES["research"].format("beta")).status_code == 403
