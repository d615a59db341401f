"""Forms of the schedule pages: the filter of the list, calendar and coverage; reassign; cancel."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..forms import DayField, Form, text_field
from ..models import Slot
from .forms import user_id_or_none


class ScheduleFilterForm(Form):
    """Which slots to show: a period, a site, an observer (a GET form, nothing changes)."""

    class Meta:
        csrf = False

    first = DayField(_l("From"), validators=[Optional()])
    last = DayField(_l("To"), validators=[Optional()])
    site = SelectField(_l("Site"), coerce=user_id_or_none, validators=[Optional()])
    observer = SelectField(_l("Observer"), coerce=user_id_or_none, validators=[Optional()])


class ReassignForm(Form):
    """Who observes the slot, and who observes with them (a paired slot)."""

    fieldworker = SelectField(
        _l("Observer"),
        coerce=user_id_or_none,
        validators=[InputRequired(_l("Choose the observer."))],
    )
    partner = SelectField(
        _l("Second observer"),
        coerce=user_id_or_none,
        description=_l("For a paired slot: two observers at once, for the reliability check."),
        validators=[Optional()],
    )


class CancelForm(Form):
    """Why the slot is cancelled (optional); the slot is kept, struck through."""

    note = text_field(
        Slot.note,
        _l("Reason (optional)"),
        description=_l("For example: the site is closed that day."),
    )
