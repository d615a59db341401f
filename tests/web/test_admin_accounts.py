"""The admin's account pages: create with a one-time link, roles, deactivation, audit."""

import email
import re
import socketserver
import threading
from email import policy

import pytest
import sqlalchemy as sa

from observations import accounts
from observations.extensions import db
from observations.models import AuditEvent, Membership, Study, User
from tests.conftest import PASSWORD, AuthActions, api_token, bearer, csrf_token

NEW_PASSWORD = "een-lang-wachtwoord"


def post(client, path, data, page="/admin/accounts/new"):
    """POST a form with the CSRF token of a page the admin can open."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def one(app, statement):
    """One value from the database."""
    with app.app_context():
        return db.session.scalar(statement)


def events(app, **filters) -> list[tuple]:
    """(action, entity, entity_key, changes) of the audit events that match."""
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent).filter_by(**filters).order_by("id"))
        return [(e.action, e.entity, e.entity_key, e.changes) for e in rows]


def user_id(app, username):
    """The id of an account."""
    return one(app, sa.select(User.id).filter_by(username=username))


def link_of(page: str) -> str:
    """The path of the one-time link shown on a page."""
    found = re.search(r'value="https?://[^/"]+(/password/[^"]+)"', page)
    assert found, "no link on the page"
    return found.group(1)


@pytest.fixture
def admin(client, auth, world):
    """The test client, logged in as the admin."""
    assert auth.login("root").status_code == 302
    return client


def test_admin_creates_an_account_in_a_study_and_the_link_works(app, admin):
    before = len(events(app))
    answer = post(
        admin,
        "/admin/accounts/new",
        {
            "username": "Nieuw",
            "display_name": "Nieuwe Waarnemer",
            "study": "alpha",
            "role": "fieldworker",
        },
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "readonly" in page and 'data-copy="link-url"' in page
    path = link_of(page)
    new = user_id(app, "nieuw")
    made = events(app)[before:]
    assert [(a, e) for a, e, _k, _c in made] == [
        ("create", "user"),
        ("create", "membership"),
        ("issue", "password_link"),
    ]
    assert made[0][3]["username"] == [None, "nieuw"] and made[0][3]["is_admin"] == [None, False]
    assert made[1][3] == {"user": [None, "nieuw"], "role": [None, "fieldworker"]}
    other = app.test_client()
    token = csrf_token(other.get(path).get_data(as_text=True))
    data = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    assert other.post(path, data=data).status_code == 302
    assert AuthActions(other).login("nieuw", NEW_PASSWORD).status_code == 302
    assert other.get("/").location.endswith("/studies/alpha/field/")
    assert one(app, sa.select(Membership.role).filter_by(user_id=new)) == "fieldworker"


def test_validation_messages_in_dutch_and_english(app, admin):
    data = {"username": "X!", "display_name": "", "study": "alpha", "role": ""}
    answer = post(admin, "/admin/accounts/new", data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Geef de naam van de persoon." in page
    data["display_name"] = "Iemand"
    page = post(admin, "/admin/accounts/new", data).get_data(as_text=True)
    assert "Kies een studie en een rol samen." in page or "gebruikersnaam" in page.lower()
    assert 'value="Iemand"' in page
    with admin.session_transaction() as session:
        session["locale"] = "en"
    answer = post(admin, "/admin/accounts/new", {**data, "username": "alpha-lead", "role": "lead"})
    assert answer.status_code == 422
    assert "The username alpha-lead is already taken." in answer.get_data(as_text=True)
    answer = post(admin, "/admin/accounts/new", {**data, "username": "nog-een"})
    assert "Choose a study and a role together." in answer.get_data(as_text=True)
    assert user_id(app, "nog-een") is None


def test_a_post_without_csrf_token_is_refused(app, admin):
    answer = admin.post("/admin/accounts/new", data={"username": "zonder", "display_name": "Z"})
    assert answer.status_code == 400
    target = user_id(app, "alpha-lead")
    assert admin.post(f"/admin/accounts/{target}/deactivate").status_code == 400
    assert one(app, sa.select(User.active).filter_by(id=target)) is True


def account_routes(app, target: int, membership: int) -> list[tuple[str, str]]:
    """(method, path) of every route of the admin's account pages."""
    values = {"user_id": target, "membership_id": membership}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "/accounts" in rule.rule:
            path = rule.rule
            for name, value in values.items():
                path = path.replace(f"<int:{name}>", str(value))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, path))
    return routes


def test_no_one_but_the_admin_opens_an_account_route(app, client, auth, world):
    target = user_id(app, "beta-lead")
    membership = one(app, sa.select(Membership.id).filter_by(user_id=target))
    routes = account_routes(app, target, membership)
    assert len(routes) >= 10
    auth.login("alpha-coordinator")
    token = auth.token("/account")
    for method, path in routes:
        answer = client.open(path, method=method, data={"csrf_token": token})
        assert answer.status_code == 403, (method, path)
    assert one(app, sa.select(User.active).filter_by(id=target)) is True


def test_deactivation_ends_logins_and_tokens_and_is_audited_once(app, admin):
    target = user_id(app, "alpha-fieldworker")
    plain = api_token(app, "alpha-fieldworker")
    theirs = app.test_client()
    AuthActions(theirs).login("alpha-fieldworker")
    assert theirs.get("/account").status_code == 200
    capture = "/api/v1/studies/alpha/capture"
    assert app.test_client().get(capture, headers=bearer(plain)).status_code == 200
    before = len(events(app))
    page = f"/admin/accounts/{target}"
    assert post(admin, f"{page}/deactivate", {}, page).status_code == 302
    assert events(app)[before:] == [("update", "user", str(target), {"active": [True, False]})]
    assert theirs.get("/account").location.startswith("/login")
    assert app.test_client().get(capture, headers=bearer(plain)).status_code == 401
    assert AuthActions(app.test_client()).login("alpha-fieldworker").status_code == 200
    assert post(admin, f"{page}/reactivate", {}, page).status_code == 302
    assert events(app, action="update")[-1] == (
        "update",
        "user",
        str(target),
        {"active": [False, True]},
    )
    assert AuthActions(app.test_client()).login("alpha-fieldworker").status_code == 302


def test_the_admin_cannot_lock_themselves_out(app, admin):
    own = user_id(app, "root")
    page = f"/admin/accounts/{own}"
    before = len(events(app))
    answer = post(admin, f"{page}/deactivate", {}, page)
    assert answer.status_code == 422
    assert "Je kunt je eigen account niet deactiveren." in answer.get_data(as_text=True)
    answer = post(admin, f"{page}/admin", {}, page)
    assert answer.status_code == 422
    assert "Je kunt je eigen beheerrechten niet weghalen." in answer.get_data(as_text=True)
    assert one(app, sa.select(User.is_admin).filter_by(id=own)) is True
    assert len(events(app)) == before


def test_admin_flag_given_and_taken_with_one_event_each(app, admin):
    target = user_id(app, "alpha-lead")
    page = f"/admin/accounts/{target}"
    before = len(events(app))
    assert post(admin, f"{page}/admin", {"is_admin": "y"}, page).status_code == 302
    assert post(admin, f"{page}/admin", {}, page).status_code == 302
    assert [c for *_x, c in events(app)[before:]] == [
        {"is_admin": [False, True]},
        {"is_admin": [True, False]},
    ]


def test_change_role_records_old_and_new(app, admin):
    target = user_id(app, "alpha-lead")
    membership = one(app, sa.select(Membership.id).filter_by(user_id=target))
    page = f"/admin/accounts/{target}"
    before = len(events(app))
    answer = post(
        admin, f"{page}/memberships/{membership}/role", {f"m{membership}-role": "coordinator"}, page
    )
    assert answer.status_code == 302
    assert events(app)[before:] == [
        ("update", "membership", str(membership), {"role": ["lead", "coordinator"]})
    ]
    other = one(app, sa.select(Membership.id).filter_by(user_id=user_id(app, "beta-lead")))
    assert post(admin, f"{page}/memberships/{other}/role", {}, page).status_code == 404
    assert admin.get("/admin/accounts/999999").status_code == 404


def test_add_to_a_second_study_and_already_a_member(app, admin):
    target = user_id(app, "alpha-lead")
    page = f"/admin/accounts/{target}"
    answer = post(admin, f"{page}/memberships", {"study": "alpha", "role": "lead"}, page)
    assert answer.status_code == 422
    assert "alpha-lead is al lid van Study alpha" in answer.get_data(as_text=True)
    before = len(events(app))
    answer = post(admin, f"{page}/memberships", {"study": "beta", "role": "fieldworker"}, page)
    assert answer.status_code == 302
    assert [(a, e) for a, e, _k, _c in events(app)[before:]] == [("create", "membership")]
    member = app.test_client()
    AuthActions(member).login("alpha-lead")
    studies = member.get("/studies").get_data(as_text=True)
    assert "Study alpha" in studies and "Study beta" in studies
    assert "/studies/beta/field/" in studies and "/studies/alpha/research/" in studies
    assert "Andere studie kiezen" in member.get("/studies/beta/field/").get_data(as_text=True)


def test_reset_password_makes_older_links_useless(app, admin):
    answer = post(admin, "/admin/accounts/new", {"username": "vergeten", "display_name": "V"})
    first = link_of(answer.get_data(as_text=True))
    page = f"/admin/accounts/{user_id(app, 'vergeten')}"
    second = link_of(post(admin, f"{page}/password-link", {}, page).get_data(as_text=True))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_the_list_filters_by_text_and_status(app, admin):
    target = user_id(app, "beta-lead")
    post(admin, f"/admin/accounts/{target}/deactivate", {}, f"/admin/accounts/{target}")
    page = admin.get("/admin/accounts?q=BETA&status=all").get_data(as_text=True)
    assert "beta-lead" in page and "beta-coordinator" in page and "alpha-lead" not in page
    page = admin.get("/admin/accounts?status=deactivated").get_data(as_text=True)
    assert "beta-lead" in page and "beta-coordinator" not in page
    page = admin.get("/admin/accounts?q=%25&status=active").get_data(as_text=True)
    assert "beta-lead" not in page


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("alpha-lead", "fout-wachtwoord", "wrong password"),
        ("  NIEMAND ", "fout-wachtwoord", "unknown user"),
    ],
)
def test_a_failed_login_leaves_one_event_without_the_password(
    app, auth, world, username, password, reason
):
    before = len(events(app))
    assert auth.login(username, password).status_code == 200
    made = events(app)[before:]
    assert made == [("login_failed", "user", username.strip().lower(), {"reason": [None, reason]})]
    assert password not in str(made)


def test_failed_logins_of_deactivated_throttled_and_long_names(app, client, auth, world):
    with app.app_context():
        db.session.execute(sa.update(User).filter_by(username="beta-lead").values(active=False))
        db.session.commit()
    auth.login("beta-lead")
    assert events(app, action="login_failed")[-1][3] == {"reason": [None, "deactivated"]}
    auth.login("<b>" + "x" * 61, "geen")
    assert events(app, action="login_failed")[-1][2] == "<b>" + "x" * 61
    with app.app_context():
        accounts.record_failed_login("y" * 100, "unknown user")
        db.session.commit()
    assert events(app, action="login_failed")[-1][2] == "y" * 64
    for _attempt in range(12):
        auth.login("alpha-lead", "fout-wachtwoord")
    reasons = [c["reason"][1] for *_x, c in events(app, action="login_failed")]
    assert reasons[-1] == "throttled"
    assert auth.login("alpha-lead", PASSWORD).status_code == 429  # the successful path waits too


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive a message from smtplib."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        message, in_data = [], False
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(message))
                    in_data = False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    message.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command == b"EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.server.commands.append(line.strip())
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    """A local SMTP server on a free port that keeps what it receives."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.messages, server.commands = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_link_is_mailed_when_smtp_is_configured(app, admin, smtp_server):
    assert 'type="email"' not in admin.get("/admin/accounts/new").get_data(as_text=True)
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_FROM="t@x.nl"
    )
    data = {"username": "post", "display_name": "Per Post", "email": "geen adres"}
    answer = post(admin, "/admin/accounts/new", data)
    assert answer.status_code == 422
    assert "Geef een e-mailadres" in answer.get_data(as_text=True)
    assert user_id(app, "post") is None
    answer = post(admin, "/admin/accounts/new", {**data, "email": "per@voorbeeld.nl"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "per@voorbeeld.nl" in page
    (raw,) = smtp_server.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "per@voorbeeld.nl"
    assert link_of(page) in message.get_content()
    assert b"rcpt to:<per@voorbeeld.nl>" in [c.lower() for c in smtp_server.commands]
    with app.app_context():
        assert "per@voorbeeld.nl" not in str(db.session.scalars(sa.select(AuditEvent)).all())
        stored = [str(e.changes) for e in db.session.scalars(sa.select(AuditEvent))]
        assert not any("voorbeeld" in s for s in stored)


def test_a_failed_mail_still_shows_the_link(app, admin):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_FROM="t@x.nl")
    answer = post(
        admin,
        "/admin/accounts/new",
        {"username": "postloos", "display_name": "P", "email": "p@voorbeeld.nl"},
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "kon niet worden verstuurd" in page
    assert link_of(page).startswith("/password/")
    assert one(app, sa.select(Study.id).filter_by(slug="alpha"))
