"""The team of a study: members with a role, their observer codes, availability and absences.

Observer codes (W01, W02, …) are given once and never reused: a member is deactivated, never
deleted, so their code stays taken (accounts.next_observer_code skips every code in use).
The schedule generator calls `observers(study)` and `is_available(membership, start, end)`.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import account_admin, accounts, audit, password_links, weekly
from .extensions import db
from .models import Absence, Availability, Membership, Role, Study, User
from .validation import Invalid


def members(study: Study) -> list[Membership]:
    """Everyone who is or was a member of the study, by observer code."""
    return list(
        db.session.scalars(
            select(Membership)
            .filter_by(study_id=study.id)
            .options(selectinload(Membership.user), selectinload(Membership.availability))
            .order_by(Membership.observer_code)
        )
    )


def observers(study: Study) -> list[Membership]:
    """Active members who observe: every fieldworker, and coordinators or research leads
    who entered availability (they observe only when they said when they can)."""
    return [
        m
        for m in members(study)
        if m.active and m.user.active and (m.role == Role.FIELDWORKER or m.availability)
    ]


def week(membership: Membership) -> weekly.Week:
    """The member's weekly availability (an empty week: any time)."""
    return weekly.week_of(membership.availability, "starts", "ends")


def is_available(membership: Membership, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the member can observe for the whole span: within their weekly availability
    (none entered: any time) and on no day they are away (aware datetimes)."""
    zone = membership.study.timezone
    days = weekly.local_days(starts_at, ends_at, zone)
    for absence in membership.absences:
        if any(absence.first_day <= day <= absence.last_day for day in days):
            return False
    return weekly.covers(week(membership), starts_at, ends_at, zone)


def add_existing(study: Study, username: str, role: str, actor: User | None = None) -> Membership:
    """Add an existing account to the study by its username."""
    user = db.session.scalar(select(User).filter_by(username=accounts.normalise_username(username)))
    if user is None:
        raise Invalid.single("username", _("There is no account with this username."))
    return accounts.add_member(study, user, role, actor)


def invite(
    study: Study, username: str, display_name: str, role: str, actor: User | None = None
) -> tuple[Membership, str]:
    """Create an account for a new person, add them, and make their one-time link's token."""
    user = accounts.create_invited_user(username, display_name, actor)
    membership = accounts.add_member(study, user, role, actor)
    return membership, password_links.issue(user, "invite", actor)


def _refuse_own(membership: Membership, actor: User | None) -> None:
    """Nobody changes their own membership here: they would lock themselves out."""
    if actor is not None and membership.user_id == actor.id:
        raise Invalid.single("member", _("You cannot change your own membership."))


def change_role(membership: Membership, role: str, actor: User | None = None) -> bool:
    """Give a member another role (never one's own); False when it is the same."""
    _refuse_own(membership, actor)
    return account_admin.change_role(membership, role, actor)


def set_active(membership: Membership, active: bool, actor: User | None = None) -> bool:
    """Deactivate or reactivate a member; their records stay and still export."""
    _refuse_own(membership, actor)
    if membership.active == active:
        return False
    audit.record(
        "reactivate" if active else "deactivate",
        "membership",
        membership.id,
        {"active": [membership.active, active]},
        actor=actor,
        study_id=membership.study_id,
    )
    membership.active = active
    return True


def may_get_link(membership: Membership) -> bool:
    """Coordinators hand out links only to fieldworkers of their study who hold no other
    role anywhere and are no admin: a link to a more powerful account is the admin's job."""
    user = membership.user
    return (
        membership.role == Role.FIELDWORKER
        and user.active
        and not user.is_admin
        and all(m.role == Role.FIELDWORKER for m in user.memberships)
    )


def issue_link(membership: Membership, actor: User | None = None) -> str:
    """A new one-time link for a member: an invitation if they never logged in, else a reset."""
    if not may_get_link(membership):
        raise Invalid.single("member", _("Only the admin can make a link for this person."))
    purpose = "invite" if membership.user.last_login_at is None else "reset"
    return password_links.issue(membership.user, purpose, actor)


def set_availability(membership: Membership, new: weekly.Week, actor: User | None = None) -> dict:
    """Replace the member's weekly availability, or raise Invalid; record the change if any."""
    return weekly.replace(
        membership,
        "availability",
        Availability,
        ("starts", "ends"),
        new,
        ("availability", membership.id, membership.study_id),
        actor,
    )


def add_absence(
    membership: Membership, first: date, last: date, note: str = "", actor: User | None = None
) -> Absence:
    """Record dates a member is away (both days included)."""
    if last < first:
        raise Invalid.single("last_day", _("The last day lies before the first day."))
    absence = Absence(membership=membership, first_day=first, last_day=last, note=note)
    db.session.add(absence)
    db.session.flush()
    audit.record(
        "create",
        "absence",
        absence.id,
        _absence_values(absence, None),
        actor=actor,
        study_id=membership.study_id,
    )
    return absence


def _absence_values(absence: Absence, new_side) -> dict:
    """An absence's values as audit changes: [None, value] when made, [value, None] when gone."""
    values = {
        "member": absence.membership.observer_code,
        "first_day": absence.first_day.isoformat(),
        "last_day": absence.last_day.isoformat(),
        "note": absence.note or None,
    }
    return {k: [None, v] if new_side is None else [v, None] for k, v in values.items()}


def remove_absence(absence: Absence, actor: User | None = None) -> None:
    """Forget dates away (they were entered wrongly or the plan changed)."""
    audit.record(
        "delete",
        "absence",
        absence.id,
        _absence_values(absence, "gone"),
        actor=actor,
        study_id=absence.membership.study_id,
    )
    db.session.delete(absence)
    db.session.flush()
