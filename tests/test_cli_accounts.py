"""The `add-member` command: existing and new accounts, a printed link, clear refusals."""

import re

import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Membership, User


def memberships(app, username: str) -> dict[str, str]:
    """The account's studies (by short name) and roles."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        return {m.study.slug: m.role for m in user.memberships} if user else {}


def test_an_existing_account_joins_a_second_study(app, runner, world):
    result = runner.invoke(args=["add-member", "beta", "alpha-lead", "--role", "coordinator"])
    assert result.exit_code == 0, result.output
    assert "alpha-lead is nu lid van Study beta." in result.output
    assert memberships(app, "alpha-lead") == {"alpha": "lead", "beta": "coordinator"}
    assert "/password/" not in result.output


def test_a_new_username_gets_an_invited_account_and_a_path(app, runner, world):
    result = runner.invoke(
        args=["add-member", "alpha", "Nieuwkomer", "--role", "fieldworker", "--name", "Nieuw"]
    )
    assert result.exit_code == 0, result.output
    path = re.search(r"^(/password/\S+)$", result.output, re.M).group(1)
    assert "Zet het adres van de site voor dit pad" in result.output
    assert memberships(app, "nieuwkomer") == {"alpha": "fieldworker"}
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        actions = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.entity).order_by(AuditEvent.id.desc()).limit(3)
        ).all()
    assert sorted(actions) == [
        ("create", "membership"),
        ("create", "user"),
        ("issue", "password_link"),
    ]


def test_the_link_is_complete_with_a_base_url(app, runner, world):
    app.config["BASE_URL"] = "https://terloops.example.nl/"
    result = runner.invoke(args=["add-member", "alpha", "nieuw2", "--role", "lead"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^https://terloops\.example\.nl/password/\S+$", result.output, re.M)
    assert "Zet het adres" not in result.output


def test_server_name_gives_the_address_too(app, runner, world):
    app.config.update(SERVER_NAME="obs.example.nl", PREFERRED_URL_SCHEME="https")
    result = runner.invoke(args=["add-member", "alpha", "nieuw3", "--role", "lead"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^https://obs\.example\.nl/password/\S+$", result.output, re.M)


def test_unknown_study_bad_role_and_already_a_member_fail(app, runner, world):
    result = runner.invoke(args=["add-member", "gamma", "alpha-lead", "--role", "lead"])
    assert result.exit_code != 0 and "gamma" in result.output
    result = runner.invoke(args=["add-member", "alpha", "alpha-lead", "--role", "baas"])
    assert result.exit_code != 0 and "baas" in result.output
    result = runner.invoke(args=["add-member", "alpha", "alpha-lead", "--role", "fieldworker"])
    assert result.exit_code == 2
    assert "alpha-lead is al lid van Study alpha" in result.output
    assert memberships(app, "alpha-lead") == {"alpha": "lead"}
    result = runner.invoke(args=["add-member", "alpha", "Bad Name!", "--role", "lead"])
    assert result.exit_code == 2 and "3 tot 64 tekens" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 6


def test_create_user_still_works(app, runner, world):
    result = runner.invoke(
        args=["create-user", "los", "--study", "beta", "--role", "lead", "--password", "x" * 12]
    )
    assert result.exit_code == 0, result.output
    assert memberships(app, "los") == {"beta": "lead"}
