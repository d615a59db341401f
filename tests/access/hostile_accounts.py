"""Text fields of accounts (admin), one-time password links, the study switcher, for the
hostile-strings test.
"""

from sqlalchemy import func, select

from observations import text
from observations.models import User
from tests.access.hostile import Hostile
from tests.access.hostile_fields import (
    Bench,
    Field,
    Outcome,
    judge_new_account_command,
    judge_page,
    judge_refusal,
    judge_shown,
    judge_stored,
)

NEW = "/admin/accounts/new"


def _accounts(bench: Bench) -> int:
    """How many accounts there are."""
    return bench.scalar(select(func.count()).select_from(User))


def _new_account(bench: Bench, hostile: Hostile, target: str) -> Outcome:
    """The admin's new-account form with the hostile string in one field."""
    outcome = Outcome()
    number = bench.next_number()
    fields = {
        "username": f"hz-account-{number}",
        "display_name": f"Naam blijft staan {number}",
        "study": "",
        "role": "",
        target: hostile.value,
    }
    before = _accounts(bench)
    answer = bench.post("admin", NEW, fields)
    if answer.status_code != 200:
        kept = tuple(v for k, v in fields.items() if k != target and v)
        judge_refusal(outcome, answer, hostile, kept=kept)
        if _accounts(bench) != before:
            outcome.fail("refused, yet an account was created")
        return outcome
    judge_page(outcome, answer, "the page with the link")
    stored = bench.scalar(select(User.display_name).filter_by(username=fields["username"]))
    judge_stored(outcome, stored, hostile, form=True)
    page = judge_page(outcome, bench.get("admin", "/admin/accounts"), "the accounts list")
    judge_shown(outcome, page, "the accounts list")
    return outcome


def _email(bench: Bench, hostile: Hostile) -> Outcome:
    """The e-mail address offered when SMTP is configured (nothing listens: never sent)."""
    config = bench.app.config
    saved = {k: config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_FROM="terloops@example.nl")
    try:
        return _new_account(bench, hostile, "email")
    finally:
        config.update(saved)


def _cli_name(bench: Bench, hostile: Hostile) -> Outcome:
    """`flask add-member STUDY NEW --role … --name …` for a new account."""
    outcome = Outcome()
    username = f"hz-member-{bench.next_number()}"
    study = bench.world["study a"]
    result = bench.cli("add-member", study, username, "--role", "lead", "--name", hostile.value)
    if result.exception and not isinstance(result.exception, SystemExit):
        outcome.fail(f"the command crashed: {result.exception!r}")
        return outcome
    return judge_new_account_command(bench, outcome, result, username, hostile)


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    longest = text.rule_of(User.display_name).longest
    return [
        Field(
            "admin: new account's name", lambda b, h: _new_account(b, h, "display_name"), longest
        ),
        Field(
            "admin: new account's username",
            lambda b, h: _new_account(b, h, "username"),
            always_refused=True,
        ),
        Field("admin: new account's e-mail address", _email, always_refused=True),
        Field("command line: add-member --name", _cli_name, longest, via_form=False),
    ]
