"""Changing one slot: reassign its observers or cancel it, never double-booking anyone.

Each change records exactly one audit event with the old and new values. Observers appear
in it by their pseudonymous observer code.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import audit, team
from ..extensions import db
from ..models import Membership, Slot, Study, User
from ..validation import Invalid
from . import local_day_bounds, slots_between

# Slots last well under a day: a slot that overlaps another starts less than this before it.
LONGEST_SLOT = timedelta(hours=24)


def slot_of(study: Study, slot_id: int) -> Slot | None:
    """The study's slot with this id (None for another study's)."""
    return db.session.scalar(select(Slot).filter_by(id=slot_id, study_id=study.id))


def observers(study: Study) -> list[Membership]:
    """Who may be planned: the team's observers (team.observers), by code."""
    return sorted(team.observers(study), key=lambda m: m.observer_code)


def codes_of(study: Study) -> dict[int, str]:
    """Observer codes by user id (the audit trail and the pages show them)."""
    rows = db.session.execute(
        select(Membership.user_id, Membership.observer_code).filter_by(study_id=study.id)
    )
    return dict(rows.all())


def overlapping(user_id: int, starts_at: datetime, ends_at: datetime, skip: int | None = None):
    """The user's planned slots (in any study) overlapping [starts_at, ends_at)."""
    query = select(Slot).where(
        or_(Slot.fieldworker_id == user_id, Slot.partner_id == user_id),
        Slot.status == "planned",
        Slot.starts_at < ends_at,
        Slot.starts_at > starts_at - LONGEST_SLOT,
    )
    if skip is not None:
        query = query.where(Slot.id != skip)
    return [slot for slot in db.session.scalars(query) if slot.ends_at > starts_at]


def _check_free(study: Study, slot: Slot, user_id: int) -> list[str]:
    """Why this user cannot take the slot (empty when they can)."""
    membership = next((m for m in observers(study) if m.user_id == user_id), None)
    if membership is None:
        return [_("Choose a member of this study's team.")]
    who = f"{membership.observer_code} ({membership.user.name})"
    clash = overlapping(user_id, slot.starts_at, slot.ends_at, skip=slot.id)
    if clash and clash[0].study_id == study.id:
        return [
            _(
                "%(who)s already has a slot at that time (%(site)s); nobody is planned twice.",
                who=who,
                site=clash[0].site.name,
            )
        ]
    if clash:  # in another study, whose sites this coordinator may not know
        return [_("%(who)s already has a slot at that time; nobody is planned twice.", who=who)]
    if not team.is_available(membership, slot.starts_at, slot.ends_at):
        return [_("%(who)s is away or not available at that time.", who=who)]
    return []


def reassign(
    study: Study, slot: Slot, fieldworker_id: int, partner_id: int | None, actor: User
) -> Slot:
    """Give the slot another observer and/or second observer; refuse any double booking."""
    if slot.status != "planned":
        raise Invalid.single("fieldworker", _("A cancelled slot cannot be reassigned."))
    if partner_id is not None and partner_id == fieldworker_id:
        raise Invalid.single("partner", _("The second observer must be someone else."))
    errors = {}
    for field, user_id in (
        ("fieldworker", fieldworker_id),
        ("partner", partner_id),
    ):
        # Those already on the slot keep it; only someone new is checked.
        if user_id is not None and user_id not in (slot.fieldworker_id, slot.partner_id):
            problems = _check_free(study, slot, user_id)
            if problems:
                errors[field] = problems
    if errors:
        raise Invalid(errors)
    codes = codes_of(study)
    before = {
        "fieldworker": codes.get(slot.fieldworker_id),
        "partner": codes.get(slot.partner_id),
    }
    slot.fieldworker_id, slot.partner_id = fieldworker_id, partner_id
    after = {"fieldworker": codes.get(fieldworker_id), "partner": codes.get(partner_id)}
    changes = audit.diff(before, after)
    if changes:
        audit.record("reassign", "slot", slot.id, changes, actor=actor, study_id=study.id)
    db.session.flush()
    return slot


def cancel(study: Study, slot: Slot, reason: str, actor: User) -> Slot:
    """Cancel a slot, keeping it (struck through) with the reason in its note."""
    if slot.status == "cancelled":
        raise Invalid.single("note", _("This slot is cancelled already."))
    before = {"status": slot.status, "note": slot.note}
    slot.status = "cancelled"
    slot.note = reason or slot.note
    changes = audit.diff(before, {"status": slot.status, "note": slot.note})
    audit.record("cancel", "slot", slot.id, changes, actor=actor, study_id=study.id)
    db.session.flush()
    return slot


def slots_in(
    study: Study,
    first_day,
    last_day,
    site_id: int | None = None,
    observer_id: int | None = None,
) -> list[Slot]:
    """The study's slots (cancelled too) on local days first_day … last_day, filtered."""
    start = local_day_bounds(first_day, study.timezone)[0]
    end = local_day_bounds(last_day, study.timezone)[1]
    return [
        slot
        for slot in slots_between(study, start, end, include_cancelled=True)
        if (site_id is None or slot.site_id == site_id)
        and (observer_id is None or observer_id in (slot.fieldworker_id, slot.partner_id))
    ]
