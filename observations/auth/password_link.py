"""The page a one-time link opens: choose a password, then log in with it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import accounts, password_links
from ..errors import render_error
from ..extensions import db
from . import bp
from .forms import NewPasswordForm


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Let the holder of a valid link choose a password; the link then stops working."""
    link = password_links.valid_link(token)
    if link is None:
        return render_error(
            404,
            _(
                "This link has expired, has been used already, or was replaced by a newer one. "
                "Ask your coordinator for a new link."
            ),
        )
    form = NewPasswordForm()
    if form.validate_on_submit():
        problems = accounts.password_problems(form.new_password.data, link.user.username)
        if not problems:
            user = password_links.use(link, form.new_password.data)
            db.session.commit()
            flash(_("Your password is set. Log in with %(name)s.", name=user.username), "success")
            return redirect(url_for("auth.login"))
        form.new_password.errors.extend(problems)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, user=link.user), status
