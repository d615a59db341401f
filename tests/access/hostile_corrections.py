"""Text fields of corrections (research/corrections): the reason, an encounter's note and a
field note's text, for the hostile-strings test. Each correction sends the whole form as the
page shows it, with one change and the hostile string.
"""

from sqlalchemy import select

from observations.models import Correction, Encounter, FieldNote
from tests.access.hostile_fields import (
    Field,
    Outcome,
    _longest,
    judge_page,
    judge_refusal,
    judge_shown,
    judge_stored,
)
from tests.review.page_form import form_values

LEAD = "lead_a"


def _page(bench, kind: str) -> str:
    """The correction page of study A's record of that kind."""
    world = bench.world
    session = world["corrected session of study a"]
    uuid = world[f"{kind} to correct in study a"]
    return f"/studies/{world['study a']}/research/sessions/{session}/records/{kind}/{uuid}"


def _correct(bench, hostile, kind: str, target: str, change: dict, query) -> Outcome:
    """Send the record's form with `change` and the string in `target`; judge the outcome."""
    outcome = Outcome()
    url = _page(bench, kind)
    values = form_values(judge_page(outcome, bench.get(LEAD, url), "the form"))
    fields = {name: values[name] for name in values if name != "csrf_token"}
    fields.update(change)
    fields[target] = hostile.value
    answer = bench.post(LEAD, url, fields)
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile, kept=tuple(change.values()))
        return outcome
    judge_stored(outcome, bench.scalar(query), hostile, form=True)
    judge_shown(outcome, judge_page(outcome, bench.get(LEAD, url)), "the correction page")
    return outcome


def _reason(bench, hostile) -> Outcome:
    """A correction of an encounter's note with the string as its reason."""
    change = {"note": f"nagekeken {bench.next_number()}"}
    query = select(Correction.reason).order_by(Correction.id.desc()).limit(1)
    return _correct(bench, hostile, "encounter", "reason", change, query)


def _encounter_note(bench, hostile) -> Outcome:
    """An encounter's note corrected to the string."""
    uuid = bench.world["encounter to correct in study a"]
    query = select(Encounter.note).filter_by(uuid=uuid)
    return _correct(bench, hostile, "encounter", "note", {"reason": "Tikfout"}, query)


def _note_text(bench, hostile) -> Outcome:
    """A field note's text corrected to the string."""
    uuid = bench.world["note to correct in study a"]
    query = select(FieldNote.text).filter_by(uuid=uuid)
    return _correct(bench, hostile, "note", "text", {"reason": "Tikfout"}, query)


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        Field("corrections: reason", _reason, _longest(Correction.reason), multiline=True),
        Field("corrections: encounter's note", _encounter_note, _longest(Encounter.note)),
        Field(
            "corrections: field note's text", _note_text, _longest(FieldNote.text), multiline=True
        ),
    ]
