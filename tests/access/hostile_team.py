"""Text fields of the team: members, observer codes, availability (manage/team), for the
hostile-strings test.
"""

from sqlalchemy import select

from observations.models import Absence, User
from tests.access.hostile_fields import Field, _longest
from tests.access.hostile_sites import _refused, manage_url, plant_in_form


def _member_page(bench) -> str:
    """The page of study A's second fieldworker."""
    return manage_url(bench, f"/team/{bench.world['member of study a']}")


def _display_name(bench, hostile):
    """A new person added to the team with the string as their name."""
    username = f"hz-lid-{bench.next_number()}"
    fields = {"who": "new", "username": username, "role": "fieldworker"}
    query = select(User.display_name).filter_by(username=username)
    return plant_in_form(
        bench,
        hostile,
        manage_url(bench, "/team"),
        fields,
        "display_name",
        query,
        lambda b: manage_url(b, "/team"),
    )


def _absence_note(bench, hostile):
    """Dates away of a fieldworker with the string as their note."""
    fields = {"first_day": "2026-09-01", "last_day": "2026-09-03"}
    query = select(Absence.note).order_by(Absence.id.desc()).limit(1)
    return plant_in_form(
        bench, hostile, _member_page(bench) + "/absences", fields, "note", query, _member_page
    )


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        Field("team: new person's name", _display_name, _longest(User.display_name)),
        Field(
            "team: username",
            lambda b, h: _refused(
                b, h, manage_url(b, "/team"), {"who": "new", "role": "lead"}, "username"
            ),
            always_refused=True,
        ),
        Field(
            "team: role",
            lambda b, h: _refused(b, h, _member_page(b) + "/role", {}, "role"),
            always_refused=True,
        ),
        Field("team: note on dates away", _absence_note, _longest(Absence.note)),
        Field(
            "team: availability time",
            lambda b, h: _refused(
                b, h, _member_page(b) + "/availability", {"d2p0_start": "09:00"}, "d2p0_end"
            ),
            always_refused=True,
        ),
    ]
