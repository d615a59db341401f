"""Text fields of the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule), for the hostile-strings test.
"""

from datetime import timedelta

from sqlalchemy import select

from observations.extensions import db
from observations.models import Site, Slot, utcnow
from observations.text import rule_of
from tests.access.hostile_fields import (
    Field,
    Outcome,
    _choice,
    judge_page,
    judge_refusal,
    judge_shown,
    judge_stored,
)

# -- cancel a slot, reassign a slot


def _new_slot(bench) -> int:
    """A fresh planned slot of fieldworker_a at study A's first site tomorrow (each string
    cancels its own)."""
    with bench.app.app_context():
        site = db.session.get(Site, bench.world["site of study a"])
        slot = Slot(
            study_id=site.study_id,
            site_id=site.id,
            starts_at=utcnow().replace(microsecond=0)
            + timedelta(days=1, minutes=bench.next_number()),
            fieldworker_id=bench.user_id("fieldworker_a"),
            zones=list(site.zones),
        )
        db.session.add(slot)
        db.session.commit()
        return slot.id


def _slot_url(bench, slot_id: int, action: str) -> str:
    """The cancel or reassign page of a slot of study A."""
    return f"/studies/{bench.world['study a']}/manage/schedule/slots/{slot_id}/{action}"


def _cancel_reason(bench, hostile):
    """The reason a coordinator gives for cancelling a slot."""
    outcome = Outcome()
    slot_id = _new_slot(bench)
    answer = bench.post(
        "coordinator_a", _slot_url(bench, slot_id, "cancel"), {"note": hostile.value}
    )
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile)
        status = bench.scalar(select(Slot.status).filter_by(id=slot_id))
        if status != "planned":
            outcome.fail("refused, yet the slot was cancelled")
        return outcome
    stored = bench.scalar(select(Slot.note).filter_by(id=slot_id))
    judge_stored(outcome, stored, hostile, form=True)
    page = judge_page(outcome, bench.get("coordinator_a", answer.location), "the schedule")
    judge_shown(outcome, page, "the schedule's list")
    return outcome


def _observer_choice(bench, hostile):
    """An observer the reassign form never offered."""
    url = _slot_url(bench, bench.world["slot of study a"], "reassign")
    return _choice(bench, hostile, "coordinator_a", url, {"fieldworker": hostile.value})


# -- generator


def _generator_url(bench) -> str:
    """The schedule generator's form in study A."""
    return f"/studies/{bench.world['study a']}/manage/schedule/generate"


GENERATOR_FIELDS = {
    "first_day": "2026-06-01",
    "last_day": "2026-06-14",
    "weekdays": "0",
    "windows": "09:00-12:00",
    "per_window": "1",
    "duration_minutes": "60",
    "paired_share": "15",
    "seed": "7",
}


def _generator_field(name: str):
    """Send the hostile string as one of the generator's fields: always refused."""

    def plant(bench, hostile) -> Outcome:
        outcome = Outcome()
        fields = {**GENERATOR_FIELDS, name: hostile.value}
        answer = bench.post("coordinator_a", _generator_url(bench), fields)
        kept = tuple(v for k, v in GENERATOR_FIELDS.items() if k not in (name, "weekdays"))
        judge_refusal(outcome, answer, hostile, kept=kept)
        return outcome

    return plant


def _generator_choice(name: str):
    """Send the hostile string as a site or weekday the form never offered."""

    def plant(bench, hostile) -> Outcome:
        fields = {**GENERATOR_FIELDS, name: hostile.value}
        return _choice(bench, hostile, "coordinator_a", _generator_url(bench), fields)

    return plant


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        Field("schedule: cancel reason", _cancel_reason, rule_of(Slot.note).longest),
        Field("schedule: reassign observer choice", _observer_choice, always_refused=True),
        # generator
        *(
            Field(f"schedule generator: {name}", _generator_field(name), always_refused=True)
            for name in ("windows", "first_day", "per_window", "seed")
        ),
        *(
            Field(
                f"schedule generator: {name} choice", _generator_choice(name), always_refused=True
            )
            for name in ("sites", "weekdays")
        ),
    ]
