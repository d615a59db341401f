"""Text fields of reviewing (research/sessions, field/reviews): the lead's comment on a
decision and the fieldworker's reply, for the hostile-strings test.
"""

from sqlalchemy import select

from observations.models import Review
from tests.access.hostile_fields import Field, Outcome, _longest
from tests.access.hostile_sites import plant_in_form


def _session_url(bench) -> str:
    """The page of study A's ended session."""
    session_id = bench.world["ended session of study a"]
    return f"/studies/{bench.world['study a']}/research/sessions/{session_id}"


def _comment(bench, hostile) -> Outcome:
    """A decision on study A's session with the string as its comment."""
    session_id = bench.world["ended session of study a"]
    query = (
        select(Review.comment).filter_by(session_id=session_id).order_by(Review.id.desc()).limit(1)
    )
    return plant_in_form(
        bench,
        hostile,
        _session_url(bench) + "/review",
        {"state": "approved"},
        "comment",
        query,
        _session_url,
        actor="lead_a",
    )


def _reply(bench, hostile) -> Outcome:
    """A new decision by the lead, answered by the fieldworker with the string."""
    session_id = bench.world["ended session of study a"]
    answer = bench.post(
        "lead_a",
        _session_url(bench) + "/review",
        {"state": "has_issues", "comment": f"Graag aanvullen {bench.next_number()}"},
    )
    assert answer.status_code == 302, answer.status_code
    review_id = bench.scalar(
        select(Review.id).filter_by(session_id=session_id).order_by(Review.id.desc()).limit(1)
    )
    home = f"/studies/{bench.world['study a']}/field/"
    return plant_in_form(
        bench,
        hostile,
        f"{home}reviews/{review_id}/reply",
        {},
        "text",
        select(Review.reply).filter_by(id=review_id),
        lambda _b: home,
        actor="fieldworker_a",
    )


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        Field("review: comment on a decision", _comment, _longest(Review.comment), multiline=True),
        Field("review: the fieldworker's reply", _reply, _longest(Review.reply), multiline=True),
    ]
