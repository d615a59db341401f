"""Forms of the team pages: a new member, a role, dates away."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from .. import text
from ..forms import DayField, FollowsRule, Form, stripped, text_field
from ..models import ROLE_VALUES, Absence, User

ROLE_NAMES = {
    "coordinator": _l("coordinator"),
    "lead": _l("research lead"),
    "fieldworker": _l("fieldworker"),
}
ROLE_CHOICES = [SelectChoice(role, ROLE_NAMES[role]) for role in ROLE_VALUES]


class MemberForm(Form):
    """Add a person: an existing account by username, or a new person."""

    who = RadioField(
        _l("Who"),
        default="new",
        choices=[
            SelectChoice("new", _l("A new person")),
            SelectChoice("existing", _l("Someone who has an account")),
        ],
        validators=[InputRequired(_l("Choose a new person or an existing account."))],
    )
    username = text_field(
        User.username,
        _l("Username"),
        required_message=_l("Give a username."),
        description=_l("Lower-case letters, digits, dots, hyphens; e.g. j.devries."),
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )
    # Optional here (a new person without one is shown by their username), else the rule's.
    display_name = StringField(
        _l("Name"),
        description=_l("For a new person: how the team knows them. Exports never show it."),
        validators=[FollowsRule(replace(text.rule_of(User.display_name), required=False))],
        filters=[stripped],
        render_kw={"data-maxlength": text.rule_of(User.display_name).longest},
    )
    role = SelectField(_l("Role"), default="fieldworker", choices=ROLE_CHOICES)


class RoleForm(Form):
    """A member's role."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class AbsenceForm(Form):
    """Dates a member is away."""

    first_day = DayField(_l("First day"), validators=[InputRequired(_l("Give the first day."))])
    last_day = DayField(_l("Last day"), validators=[InputRequired(_l("Give the last day."))])
    note = text_field(Absence.note, _l("Note"), description=_l("Optional, e.g. holiday."))

    def validate_last_day(self, field) -> None:
        """The last day is not before the first."""
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day lies before the first day."))
