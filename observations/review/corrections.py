"""Corrections by research leads and coordinators: any field of a captured record, with a reason.

`correct(study, kind, uuid, changes, reason, actor)` changes a session, scan, encounter or
note at any time (open or ended session, any review state) and returns the Correction row.
`changes` holds fields in the sync format (sync/parse.py): times as ISO text or aware
datetimes, codes as codes, zones as a list of ids, a scan's counts as the whole
{category: {code: count}}. The record's canonical content is read, the changes applied, and
the result checked by the sync parser itself, so a correction obeys every rule a phone's
record obeys (codes of the record's codebook version, times within the session, the scan's
arithmetic, text limits) and gets the same messages. On success the record's revision goes
up by one and `updated_at` becomes now (a phone's correction of the old revision is then a
`conflict`, kept on the phone); the Correction row and an audit event ("correct") hold
{field: [old, new]} in canonical form, with a scan's counts per `counts.<category>.<code>`.

Decisions:
- A session's site never changes: its zones, its slot and the zones of all its scans,
  encounters and notes belong to that site, and the fieldworker was there. A session at the
  wrong site is rejected in review; its fieldworker records it again.
- A correction neither ends an open session nor reopens an ended one: ending is the
  fieldworker's (or the forgotten-sessions service's) act, and reopening would hand the
  record back to the phone. An ended session's end time can be corrected.
- New session times must keep the records that lay within the session within it.
- A record's codebook version stays: the codes offered are those valid in that version.
- Withdrawn (retracted) records are refused: they are out of every export and indicator, so
  a correction would change nothing that counts, and bringing one back is its fieldworker's
  undo, not a lead's edit.
- An archived study is read-only, for corrections too.

Plain functions: no request objects; the caller commits.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit, text
from ..access import archived_message
from ..extensions import db
from ..models import (
    Correction,
    Encounter,
    FieldNote,
    PasserCount,
    Scan,
    Session,
    Study,
    User,
)
from ..sync import store
from ..sync.context import BatchContext
from ..sync.parse import KINDS, Parsed, RecordInvalid, parse

# What a lead or coordinator may change, per kind (sync field names).
EDITABLE = {
    "session": (
        "started_at",
        "ended_at",
        "zones",
        "slot",
        "weather",
        "temperature_c",
        "crowding",
        "programme",
    ),
    "scan": ("observed_at", "zone", "counts", "conditions"),
    "encounter": ("occurred_at", "zone", "encounter_type", "parties", "relation", "flags", "note"),
    "note": ("written_at", "zone", "text"),
}
# People-moving counts (kind passers) have no correction form yet: their fieldworker
# corrects them from the phone.
# Each kind of record inside a session, with the column of its moment.
CHILD_TIMES = (
    (Scan, Scan.observed_at),
    (Encounter, Encounter.occurred_at),
    (FieldNote, FieldNote.written_at),
    (PasserCount, PasserCount.started_at),
)
REASON_RULE = text.rule_of(Correction.reason)


class CorrectionRefused(Exception):
    """A correction that cannot be made, with messages per field (sync field names)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class RecordNotFound(LookupError):
    """No record of that kind and UUID in the study."""


class _CorrectionContext(BatchContext):
    """The sync parser's look-ups for one study, on behalf of the record's fieldworker.

    The fieldworker's membership does not matter here (a lead may correct the records of
    someone who has left the team); the study must simply be this one.
    """

    def __init__(self, owner: User, study: Study):
        super().__init__(owner, only_study=study.slug)
        self._study = study

    def study(self, slug: str) -> Study | None:
        """The study being corrected, whoever its fieldworker is now."""
        return self._study if slug == self._study.slug else None

    def refusal(self, study: Study) -> str | None:
        """Nothing stops a lead's correction that a phone's record would be refused for."""
        return None


@dataclass
class _Plan:
    """A checked correction, ready to write."""

    stored: store.Stored
    parsed: Parsed
    owner: User
    diff: dict
    reason: str


def correct(
    study: Study, kind: str, uuid: str, changes: dict, reason: str, actor: User
) -> Correction:
    """Correct a record of the study; raise CorrectionRefused (or RecordNotFound) if not."""
    plan = _plan(study, kind, uuid, changes, reason)
    if not store.rewrite(plan.parsed, plan.stored, plan.owner):
        raise CorrectionRefused(
            {"record": [_("Someone changed this record meanwhile. Reload it and try again.")]}
        )
    session_id = plan.stored.id if kind == "session" else plan.parsed.session.id
    correction = Correction(
        study_id=study.id,
        session_id=session_id,
        record_kind=kind,
        record_uuid=uuid,
        revision=plan.parsed.revision,
        actor_id=actor.id,
        reason=plan.reason,
        changes=plan.diff,
    )
    db.session.add(correction)
    changed = {**plan.diff, "reason": plan.reason}
    audit.record("correct", kind, uuid, changed, actor=actor, study_id=study.id)
    db.session.flush()
    # The rows were written with UPDATE statements: loaded objects must read them again.
    db.session.expire_all()
    return correction


def problems(study: Study, kind: str, uuid: str, changes: dict, reason: str) -> dict:
    """What `correct` would refuse, without changing anything ({}: nothing)."""
    try:
        _plan(study, kind, uuid, changes, reason)
    except CorrectionRefused as refused:
        return refused.errors
    return {}


def _plan(study: Study, kind: str, uuid: str, changes: dict, reason) -> _Plan:
    """Check a correction; every problem found is named at once."""
    if kind not in KINDS or kind not in EDITABLE:
        raise RecordNotFound(kind)
    stored = store.load(kind, study, uuid)
    if stored is None:
        raise RecordNotFound(uuid)
    reason = reason.strip() if isinstance(reason, str) else ""
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for this correction.")]
    elif found := text.problems(reason, REASON_RULE):
        errors["reason"] = found
    refusals = _refusals(study, kind, stored, changes)
    if refusals:
        raise CorrectionRefused({**errors, **refusals})
    owner = db.session.get(User, stored.owner_id)
    parsed = None
    try:
        parsed = _checked(study, kind, uuid, stored, changes, owner)
    except CorrectionRefused as refused:
        _merge(errors, refused.errors)
    diff = (
        {}
        if parsed is None
        else _diff(kind, store.jsonable(stored.content), store.jsonable(parsed.content))
    )
    if parsed is not None and not diff:
        _merge(
            errors,
            {"record": [_("Nothing differs from the stored record, so nothing was changed.")]},
        )
    elif parsed is not None and kind == "session":
        _merge(errors, _session_times(stored, parsed))
    if errors:
        raise CorrectionRefused(errors)
    return _Plan(stored, parsed, owner, diff, reason)


def _merge(errors: dict, more: dict) -> None:
    """Add messages per field."""
    for name, messages in more.items():
        errors.setdefault(name, []).extend(messages)


def _refusals(study: Study, kind: str, stored, changes: dict) -> dict:
    """What forbids the correction whatever its values: archived, withdrawn, fixed fields."""
    errors: dict[str, list[str]] = {}
    if study.archived_at is not None:
        errors.setdefault("record", []).append(archived_message(study))
    if stored.content["retracted"]:
        errors.setdefault("record", []).append(
            _("Its fieldworker withdrew this record; a withdrawn record cannot be corrected.")
        )
    for name in changes:
        if name == "site" and kind == "session":
            errors[name] = [
                _("A session's site cannot be changed: its zones and records belong to it.")
            ]
        elif name not in EDITABLE[kind]:
            errors[name] = [_("This field cannot be corrected.")]
    return errors


def _checked(study: Study, kind: str, uuid: str, stored, changes: dict, owner: User) -> Parsed:
    """The stored record with the changes applied, checked as the sync path checks it."""
    raw = store.jsonable(stored.content)
    raw.update(store.jsonable(changes))
    raw.update(uuid=uuid, kind=kind, revision=stored.revision + 1, study=study.slug)
    errors: dict[str, list[str]] = {}
    if kind == "session":
        was_open = stored.content["ended_at"] is None
        if was_open and raw.get("ended_at") is not None:
            errors["ended_at"] = [
                _("A correction does not end an open session; its fieldworker ends it.")
            ]
        elif not was_open and raw.get("ended_at") is None:
            errors["ended_at"] = [_("An ended session keeps an end time; give the right one.")]
    try:
        parsed = parse(raw, _CorrectionContext(owner, study))
    except RecordInvalid as error:
        _merge(errors, error.errors)
        raise CorrectionRefused(errors) from None
    if errors:
        raise CorrectionRefused(errors)
    return parsed


def _diff(kind: str, old: dict, new: dict) -> dict:
    """{field: [old, new]} of the editable fields that differ; counts per category and code."""
    diff = {}
    for name in EDITABLE[kind]:
        if name == "counts":
            diff.update(_count_diff(old["counts"], new["counts"]))
        elif old.get(name) != new.get(name):
            diff[name] = [old.get(name), new.get(name)]
    return diff


def _count_diff(old: dict, new: dict) -> dict:
    """{"counts.<category>.<code>": [old, new]} for each count that differs (absent is 0)."""
    keys = {(c, code) for per in (old, new) for c in per for code in per[c]}
    diff = {}
    for category, code in sorted(keys):
        before = old.get(category, {}).get(code, 0)
        after = new.get(category, {}).get(code, 0)
        if before != after:
            diff[f"counts.{category}.{code}"] = [before, after]
    return diff


def _session_times(stored, parsed) -> dict:
    """New session times must not leave outside the records that lay within the old ones."""
    old_start, old_end = stored.content["started_at"], stored.content["ended_at"]
    new_start, new_end = parsed.content["started_at"], parsed.content["ended_at"]
    if (old_start, old_end) == (new_start, new_end):
        return {}
    left_out = 0
    for model, at in CHILD_TIMES:
        inside_old = at >= old_start if old_end is None else at.between(old_start, old_end)
        outside_new = at < new_start if new_end is None else sa.or_(at < new_start, at > new_end)
        left_out += db.session.scalar(
            sa.select(sa.func.count())
            .select_from(model)
            .where(
                model.session_id == stored.id,
                model.retracted.is_(False),
                inside_old,
                outside_new,
            )
        )
    if not left_out:
        return {}
    message = _(
        "These times would leave %(n)d of the session's records outside it. Correct those "
        "records first, or widen the times.",
        n=left_out,
    )
    return {"started_at": [message]}


def record_of(study: Study, session_id: int, kind: str, uuid: str):
    """The record (model instance) of that kind and UUID in the study's session, or None."""
    if kind not in KINDS or kind not in EDITABLE:
        return None
    session = db.session.get(Session, session_id)
    if session is None or session.study_id != study.id:
        return None
    if kind == "session":
        return session if session.uuid == uuid else None
    model = store.MODELS[kind]
    return db.session.scalar(
        sa.select(model).filter_by(study_id=study.id, session_id=session.id, uuid=uuid)
    )


def history(study: Study, kind: str, uuid: str) -> list[Correction]:
    """A record's corrections, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Correction)
            .filter_by(study_id=study.id, record_kind=kind, record_uuid=uuid)
            .order_by(Correction.created_at, Correction.id)
        )
    )


def corrected_records(session: Session) -> dict[tuple[str, str], int]:
    """{(kind, uuid): number of corrections} of a session's records, for "edited" markers."""
    rows = db.session.execute(
        sa.select(Correction.record_kind, Correction.record_uuid, sa.func.count())
        .where(Correction.session_id == session.id)
        .group_by(Correction.record_kind, Correction.record_uuid)
    )
    return {(kind, uuid): n for kind, uuid, n in rows}
