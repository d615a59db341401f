"""The team: members with a role, observer codes, availability and dates away."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import password_links, team
from ..extensions import db
from ..models import Absence, Membership
from ..validation import Invalid
from . import bp
from .sites import show_errors
from .sites_forms import ActionForm, WeekForm
from .team_forms import AbsenceForm, MemberForm, RoleForm


def _member(member_id: int) -> Membership:
    """A membership of the current study, or 404."""
    membership = db.session.get(Membership, member_id)
    if membership is None or membership.study_id != g.study.id:
        abort(404)
    return membership


@bp.route("/team")
def team_page():
    """Everyone in the team, and a form to add a person."""
    return _team_page(MemberForm(formdata=None))


def _team_page(form: MemberForm, status: int = 200):
    """The team page with the given form for a new member."""
    return render_template("manage/team.html", members=team.members(g.study), form=form), status


def _link_page(membership: Membership, token: str):
    """Show a one-time link once, to copy and hand over."""
    url = password_links.link_url(token)
    return render_template("manage/team_link.html", member=membership, link=url)


@bp.post("/team")
def add_member():
    """Add an existing account, or a new person with a one-time link to set a password."""
    form = MemberForm()
    if not form.validate_on_submit():
        return _team_page(form, 422)
    try:
        if form.who.data == "existing":
            membership = team.add_existing(
                g.study, form.username.data, form.role.data, current_user
            )
            token = None
        else:
            membership, token = team.invite(
                g.study, form.username.data, form.display_name.data, form.role.data, current_user
            )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, {"study": "username"}.get, error)
        return _team_page(form, 422)
    db.session.commit()
    flash(
        _("%(name)s added as %(code)s.", name=membership.user.name, code=membership.observer_code),
        "success",
    )
    if token is None:
        return redirect(url_for("manage.member", member_id=membership.id))
    return _link_page(membership, token)


def _member_page(membership: Membership, status: int = 200, **forms):
    """A member's page: role, status, availability and absences."""
    if "week" not in forms:
        forms["week"] = WeekForm(formdata=None)
        forms["week"].fill(team.week(membership))
    forms.setdefault("role_form", RoleForm(formdata=None, role=membership.role))
    forms.setdefault("absence_form", AbsenceForm(formdata=None))
    return render_template(
        "manage/member.html",
        member=membership,
        member_week=team.week(membership),
        may_get_link=team.may_get_link(membership),
        own=membership.user_id == current_user.id,
        action=ActionForm(),
        **forms,
    ), status


@bp.get("/team/<int:member_id>")
def member(member_id: int):
    """Show a member."""
    return _member_page(_member(member_id))


@bp.post("/team/<int:member_id>/role")
def member_role(member_id: int):
    """Change a member's role."""
    membership = _member(member_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = team.change_role(membership, form.role.data, current_user)
        except Invalid as error:
            db.session.rollback()
            show_errors(form, {"member": "role"}.get, error)
        else:
            db.session.commit()
            if changed:
                flash(_("Role of %(name)s changed.", name=membership.user.name), "success")
            return redirect(url_for("manage.member", member_id=membership.id))
    return _member_page(membership, 422, role_form=form)


def _change_member(member_id: int, change: str):
    """Deactivate or reactivate a member (their records stay)."""
    membership = _member(member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        team.set_active(membership, change == "reactivate", current_user)
    except Invalid as error:
        db.session.rollback()
        flash(" ".join(m for ms in error.errors.values() for m in ms), "error")
    else:
        db.session.commit()
        name = membership.user.name
        done = {
            "deactivate": _("%(name)s deactivated: their records stay.", name=name),
            "reactivate": _("%(name)s reactivated.", name=name),
        }
        flash(done[change], "success")
    return redirect(url_for("manage.member", member_id=membership.id))


@bp.post("/team/<int:member_id>/deactivate")
def deactivate_member(member_id: int):
    """Deactivate a member: they no longer see the study; their records stay."""
    return _change_member(member_id, "deactivate")


@bp.post("/team/<int:member_id>/reactivate")
def reactivate_member(member_id: int):
    """Reactivate a member."""
    return _change_member(member_id, "reactivate")


@bp.post("/team/<int:member_id>/link")
def member_link(member_id: int):
    """Make a new one-time link for a fieldworker to set their password."""
    membership = _member(member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not team.may_get_link(membership):
        abort(403)
    token = team.issue_link(membership, current_user)
    db.session.commit()
    return _link_page(membership, token)


@bp.post("/team/<int:member_id>/availability")
def member_availability(member_id: int):
    """Replace a member's weekly availability."""
    membership = _member(member_id)
    form = WeekForm()
    if form.validate_on_submit():
        try:
            team.set_availability(membership, form.week(), current_user)
        except Invalid as error:
            db.session.rollback()
            form.add_problems(error.errors)
        else:
            db.session.commit()
            flash(_("Availability of %(name)s saved.", name=membership.user.name), "success")
            return redirect(url_for("manage.member", member_id=membership.id))
    return _member_page(membership, 422, week=form)


@bp.post("/team/<int:member_id>/absences")
def add_absence(member_id: int):
    """Add dates a member is away."""
    membership = _member(member_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        team.add_absence(
            membership, form.first_day.data, form.last_day.data, form.note.data, current_user
        )
        db.session.commit()
        flash(_("Dates away saved."), "success")
        return redirect(url_for("manage.member", member_id=membership.id, _anchor="away-heading"))
    return _member_page(membership, 422, absence_form=form)


@bp.post("/team/<int:member_id>/absences/<int:absence_id>/remove")
def remove_absence(member_id: int, absence_id: int):
    """Remove dates away."""
    membership = _member(member_id)
    absence = db.session.get(Absence, absence_id)
    if absence is not None and absence.membership_id != membership.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    # Sent twice (a double tap, a second tab): the first removed it, which is what was asked.
    if absence is not None:
        team.remove_absence(absence, current_user)
        db.session.commit()
    flash(_("Dates away removed."), "success")
    return redirect(url_for("manage.member", member_id=membership.id, _anchor="away-heading"))
