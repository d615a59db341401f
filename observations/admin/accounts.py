"""The admin's account pages: the list, a new account with its one-time link, one account."""

import smtplib

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import account_admin, mail, password_links, studies
from ..extensions import db
from ..models import Membership, User
from ..validation import Invalid
from . import bp
from .account_forms import (
    ActionForm,
    AdminFlagForm,
    FilterForm,
    MembershipForm,
    NewAccountForm,
    RoleForm,
)


def _add_errors(form, error: Invalid, fallback: str) -> None:
    """Put a service's messages under the form's fields (or `fallback` for unknown ones)."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None) or getattr(form, fallback)
        field.errors = list(field.errors) + messages


@bp.route("/accounts")
def accounts():
    """Every account with its studies and roles, filtered by text and status."""
    form = FilterForm(request.args)
    status = form.status.data if form.status.data in account_admin.STATUSES else "all"
    users = account_admin.find_users(form.q.data or "", status)
    return render_template("admin/accounts.html", form=form, users=users)


def _show_link(link: account_admin.NewLink, mailed_to: str | None = None, failed=False):
    """The page with a new one-time link to copy (shown this once)."""
    return render_template(
        "admin/account_link.html",
        link=link,
        url=password_links.link_url(link.token),
        mailed_to=mailed_to,
        mail_failed=failed,
    )


def _mail_link(form: NewAccountForm, link: account_admin.NewLink):
    """Send the link when an address was given; the page says whether it went."""
    address = (form.email.data or "").strip() if "email" in form else ""
    if not address:
        return _show_link(link)
    try:
        mail.send_link(address, link, password_links.link_url(link.token))
    except (OSError, smtplib.SMTPException):
        return _show_link(link, address, failed=True)
    return _show_link(link, address)


@bp.route("/accounts/new", methods=["GET", "POST"])
def new_account():
    """Create an invited account (optionally in a study) and show its one-time link."""
    form = NewAccountForm()
    if form.validate_on_submit():
        study = studies.by_slug(form.study.data) if form.study.data else None
        try:
            link = account_admin.create_account(
                form.username.data,
                form.display_name.data,
                form.is_admin.data,
                study,
                form.role.data or None,
                actor=current_user,
            )
        except Invalid as error:
            db.session.rollback()
            _add_errors(form, error, "username")
        else:
            db.session.commit()
            return _mail_link(form, link)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_account.html", form=form), status


def _account_page(user: User, status: int = 200, error: str | None = None, **forms):
    """One account: its memberships, the forms that change it."""
    memberships = sorted(user.memberships, key=lambda m: m.study.name)
    role_forms = {
        m.id: forms.get(f"role_{m.id}") or RoleForm(formdata=None, role=m.role, prefix=f"m{m.id}")
        for m in memberships
    }
    page = render_template(
        "admin/account.html",
        user=user,
        memberships=memberships,
        role_forms=role_forms,
        membership_form=forms.get("membership_form") or MembershipForm(formdata=None),
        admin_form=AdminFlagForm(formdata=None, is_admin=user.is_admin),
        action_form=ActionForm(formdata=None),
        error=error,
    )
    return page, status


@bp.route("/accounts/<int:user_id>")
def account(user_id: int):
    """Show one account."""
    return _account_page(db.get_or_404(User, user_id))


@bp.post("/accounts/<int:user_id>/memberships")
def add_membership(user_id: int):
    """Add the account to a study with a role."""
    user = db.get_or_404(User, user_id)
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            membership = account_admin.add_to_study(
                user, studies.by_slug(form.study.data), form.role.data, actor=current_user
            )
        except Invalid as error:
            db.session.rollback()
            _add_errors(form, error, "study")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is now a member of %(study)s.",
                    name=user.username,
                    study=membership.study.name,
                ),
                "success",
            )
            return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, 422, membership_form=form)


@bp.post("/accounts/<int:user_id>/memberships/<int:membership_id>/role")
def change_role(user_id: int, membership_id: int):
    """Give the account another role in one of its studies."""
    user = db.get_or_404(User, user_id)
    membership = db.get_or_404(Membership, membership_id)
    if membership.user_id != user.id:
        abort(404)
    form = RoleForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        account_admin.change_role(membership, form.role.data, actor=current_user)
        db.session.commit()
        flash(_("The role in %(study)s has been saved.", study=membership.study.name), "success")
        return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, 422, **{f"role_{membership.id}": form})


def _change(user_id: int, change, message: str):
    """Run one change on an account (a service taking user and actor), then show the account."""
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return _account_page(user, 422)
    try:
        change(user, actor=current_user)
    except Invalid as error:
        db.session.rollback()
        return _account_page(user, 422, error=" ".join(error.errors["account"]))
    db.session.commit()
    flash(message % {"name": user.username}, "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/deactivate")
def deactivate(user_id: int):
    """Deactivate the account: it is logged out everywhere and its tokens stop working."""
    return _change(
        user_id,
        account_admin.deactivate_user,
        _("%(name)s is deactivated and logged out on every device."),
    )


@bp.post("/accounts/<int:user_id>/reactivate")
def reactivate(user_id: int):
    """Let the account log in again."""
    return _change(user_id, account_admin.reactivate_user, _("%(name)s can log in again."))


@bp.post("/accounts/<int:user_id>/admin")
def set_admin(user_id: int):
    """Give or take the installation-admin flag."""
    form = AdminFlagForm()
    return _change(
        user_id,
        lambda user, actor: account_admin.set_admin(user, bool(form.is_admin.data), actor),
        _("The admin rights of %(name)s have been saved."),
    )


@bp.post("/accounts/<int:user_id>/password-link")
def reset_password(user_id: int):
    """Make a new one-time link to set the password; older links stop working."""
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return _account_page(user, 422)
    link = account_admin.reset_password(user, actor=current_user)
    db.session.commit()
    return _show_link(link)
