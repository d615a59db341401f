"""Views for logging in and out, the language switch and the account page."""

import re
from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, audit, logins, tokens
from ..extensions import db
from . import bp, throttle
from .forms import LanguageForm, LoginForm, PasswordForm, ProfileForm, TokenForm

# A line break in a Location header is a server error (or a forged header); tabs, spaces and
# backslashes have no place in a path either (browsers drop tabs and read "\" as "/").
UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")

# What the login page says after a logout. It travels in the address, not in the session: a
# request of the service worker still under way at the logout (it refreshes the offline pages)
# answers with the session cookie it was sent, and would replace the logout's.
LOGGED_OUT = {
    "here": lambda: _("You are logged out."),
    "everywhere": lambda: _("You are logged out on all devices."),
}


def safe_next(target: str | None) -> str | None:
    """Return the target only if it is a path on this site, never another host."""
    if not target or UNSAFE_IN_PATH.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user, remember: bool) -> None:
    """Log in on a fresh session: nothing but the chosen language carries over (no CSRF token)."""
    locale = session.get("locale")
    session.clear()
    g.pop("csrf_token", None)
    if locale:
        session["locale"] = locale
    if not remember:
        session["_remember"] = "clear"  # a stale "stay logged in" cookie goes too
    logins.start_login(user, remember, request.headers.get("User-Agent"))
    login_user(user, remember=remember)


def _too_many_attempts(form: LoginForm, seconds: int):
    """Show the login form again with the username kept, the real waiting time and Retry-After."""
    form.password.data = ""
    page = render_template("auth/login.html", form=form, error=throttle.too_many_logins(seconds))
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _record_failure(username: str, reason: str) -> None:
    """Keep a failed attempt in the audit log (the username as typed, never the password)."""
    accounts.record_failed_login(username, reason)
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    said = LOGGED_OUT.get(request.args.get("out", ""))
    if said and request.method == "GET":
        flash(said(), "info")
    if form.validate_on_submit():
        username = accounts.normalise_username(form.username.data)
        wait = throttle.login_wait(username, request.remote_addr)
        if wait:
            _record_failure(username, "throttled")
            return _too_many_attempts(form, wait)
        result = accounts.authenticate(username, form.password.data)
        if result.user is not None:
            if session.get("locale") and not result.user.locale:
                result.user.locale = session["locale"]
            _start_session(result.user, form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        throttle.login_failed(username, request.remote_addr)
        _record_failure(username, result.reason)
        error = result.error
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout():
    """Log out: this login is revoked, so a copy of its cookies no longer works."""
    logins.end_login(current_user.current_login)
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login", out="here"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """Log out on every device, this one included."""
    logins.end_all_logins(current_user)
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login", out="everywhere"))


@bp.post("/language")
def language():
    """Switch the interface language; it is kept for the user and this browser."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Show and change the user's name and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        before = {
            "display_name": current_user.display_name,
            "locale": current_user.locale,
        }
        current_user.display_name = form.display_name.data.strip()
        current_user.locale = session["locale"] = form.locale.data
        after = {
            "display_name": current_user.display_name,
            "locale": current_user.locale,
        }
        audit.record(
            "update",
            "user",
            current_user.id,
            audit.diff(before, after),
            actor=current_user,
        )
        db.session.commit()
        flash(_("Your account has been saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(form=form), 422 if form.is_submitted() else 200


@bp.post("/account/password")
@login_required
def change_password():
    """Change the user's password after checking the current one; other devices are logged out."""
    form = PasswordForm()
    if form.validate_on_submit():
        wait = throttle.password_change_wait(current_user.id)
        if wait:
            form.current_password.errors.append(throttle.too_many_password_checks(wait))
            response = make_response(_account_page(password_form=form), 429)
            response.headers["Retry-After"] = str(wait)
            return response
        if not current_user.check_password(form.current_password.data):
            throttle.password_change_failed(current_user.id)
            form.current_password.errors.append(_("The current password is not right."))
        else:
            problems = accounts.password_problems(form.new_password.data, current_user.username)
            if not problems:
                current_user.set_password(form.new_password.data)
                audit.record("password", "user", current_user.id, actor=current_user)
                _renew_logins(current_user._get_current_object())
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("auth.account"))
            form.new_password.errors.extend(problems)
    return _account_page(password_form=form), 422


def _renew_logins(user) -> None:
    """End every login of the user, then log this device in again under a new token."""
    remember = user.current_login.remember
    logins.end_all_logins(user)
    logins.start_login(user, remember, request.headers.get("User-Agent"))
    login_user(user, remember=remember)


def _account_page(**forms):
    """The account page with its three forms and the user's logins; unnamed forms start empty."""
    return render_template(
        "auth/account.html",
        form=forms.get("form") or ProfileForm(obj=current_user),
        password_form=forms.get("password_form") or PasswordForm(),
        token_form=forms.get("token_form") or TokenForm(formdata=None),
        tokens=tokens.tokens_of(current_user),
        new_token=forms.get("new_token"),
        logins=logins.active_logins(current_user),
        this_login=current_user.current_login,
    )


@bp.post("/account/tokens")
@login_required
def create_token():
    """Create a personal API token and show it this one time."""
    form = TokenForm()
    if form.validate_on_submit():
        token, plain = tokens.create_token(current_user, form.name.data)
        db.session.commit()
        return _account_page(new_token={"name": token.name, "value": plain})
    return _account_page(token_form=form), 422


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    if tokens.revoke_token(current_user, token_id) is None:
        abort(404)
    db.session.commit()
    flash(_("The token has been revoked; it no longer works."), "success")
    return redirect(url_for("auth.account"))
