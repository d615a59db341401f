"""Views for logging in and out, the language switch and the account page."""

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, audit, tokens
from ..extensions import db, limiter
from . import bp
from .forms import LanguageForm, LoginForm, PasswordForm, ProfileForm, TokenForm


def safe_next(target: str | None) -> str | None:
    """Return the target only if it is a path on this site, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _failed(response) -> bool:
    """Count an attempt against the limits unless it logged the user in."""
    return response.status_code != 302


def _username_key() -> str:
    """Rate-limit key per username, so guessing one account from many addresses is slowed."""
    return "login-user:" + accounts.normalise_username(request.form.get("username", ""))


def _too_many_attempts(_limit):
    """Show the login form again, with the username kept and the reason stated."""
    form = LoginForm()
    form.password.data = ""
    message = _("Too many login attempts. Wait a minute and try again.")
    return make_response(render_template("auth/login.html", form=form, error=message), 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMITS"],
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_too_many_attempts,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_USER_LIMITS"],
    methods=["POST"],
    key_func=_username_key,
    deduct_when=_failed,
    on_breach=_too_many_attempts,
)
def login():
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        result = accounts.authenticate(form.username.data, form.password.data)
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            if session.get("locale") and not result.user.locale:
                result.user.locale = session["locale"]
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        error = result.error
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout():
    """Log out and return to the login page."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


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
    return _account_page(form=form)


@bp.post("/account/password")
@login_required
def change_password():
    """Change the user's password after checking the current one."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is not right."))
        else:
            problems = accounts.password_problems(form.new_password.data, current_user.username)
            if not problems:
                current_user.set_password(form.new_password.data)
                audit.record("password", "user", current_user.id, actor=current_user)
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("auth.account"))
            form.new_password.errors.extend(problems)
    return _account_page(password_form=form), 422


def _account_page(**forms):
    """The account page with its three forms; those not given start empty."""
    return render_template(
        "auth/account.html",
        form=forms.get("form") or ProfileForm(obj=current_user),
        password_form=forms.get("password_form") or PasswordForm(),
        token_form=forms.get("token_form") or TokenForm(formdata=None),
        tokens=tokens.tokens_of(current_user),
        new_token=forms.get("new_token"),
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
