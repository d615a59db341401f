"""The schedule generator's form: sites, days, windows, sessions, pairs and seed."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import (
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from .. import text
from ..forms import DayField, Form
from ..schedule.plan import (
    DEFAULT_PAIRED_SHARE,
    DEFAULT_WINDOWS,
    DURATIONS,
    MAX_PER_WINDOW,
    PlanRequest,
    parse_windows,
    request_problems,
)

WEEKDAY_NAMES = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes; a value that is not offered gets our message."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        """Refuse values that are not among the choices (e.g. another study's site)."""
        offered = {choice.value for choice in self.choices}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose among the options shown."))


def _windows(_form, field) -> None:
    """The windows must read like 09:00-12:00, 13:00-17:00."""
    try:
        parse_windows(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class WholeNumber(IntegerField):
    """A whole number; what is not one gets the field's own message, and only that."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Give a whole number.")

    def process_formdata(self, valuelist):
        """Parse the number; a bad one gets our message rather than WTForms' own."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None

    def pre_validate(self, form) -> None:
        """Stop at the parsing message: one message per field (empty: the validators')."""
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()

    def _value(self):
        """The number, or what was typed, with each character a page cannot hold shown as �."""
        return text.visible(super()._value())


def _number(label, default, bounds, message, description=None):
    """A whole number field within bounds."""
    return WholeNumber(
        label,
        default=default,
        description=description,
        message=message,
        validators=[InputRequired(message), NumberRange(*bounds, message)],
    )


class GenerateForm(Form):
    """What the coordinator asks of the generator."""

    sites = Checkboxes(
        _l("Sites"),
        coerce=int,
        description=_l("None chosen: every active site."),
    )
    first_day = DayField(_l("First day"), validators=[InputRequired(_l("Give the first day."))])
    last_day = DayField(_l("Last day"), validators=[InputRequired(_l("Give the last day."))])
    weekdays = Checkboxes(
        _l("Days of the week"),
        coerce=int,
        choices=[SelectChoice(day, name) for day, name in enumerate(WEEKDAY_NAMES)],
        default=list(range(7)),
    )
    windows = StringField(
        _l("Time windows"),
        default=", ".join(DEFAULT_WINDOWS),
        description=_l("Separated by commas, e.g. 09:00-12:00, 13:00-17:00, 18:00-21:00."),
        validators=[_windows],
    )
    per_window = _number(
        _l("Sessions per window"),
        1,
        (1, MAX_PER_WINDOW),
        _l("Give a number of sessions from 1 to %(most)d.", most=MAX_PER_WINDOW),
        _l("Per site, per week, for weekdays and for weekend days each."),
    )
    duration_minutes = _number(
        _l("Duration (minutes)"),
        60,
        DURATIONS,
        _l(
            "Give a duration from %(least)d to %(most)d minutes.",
            least=DURATIONS[0],
            most=DURATIONS[1],
        ),
    )
    paired_share = _number(
        _l("Paired slots (%)"),
        round(DEFAULT_PAIRED_SHARE * 100),
        (0, 100),
        _l("Give a share of paired slots from 0 to 100."),
        _l(
            "Slots with two observers at once, for the reliability check "
            "(about 15 percent is usual)."
        ),
    )
    seed = WholeNumber(
        _l("Seed (optional)"),
        validators=[Optional(), NumberRange(0, 2**31 - 1, _l("Give a whole number."))],
        description=_l("The same seed gives the same plan."),
    )
    # The previewed plan's fingerprint: saving refuses a plan that would differ from it.
    fingerprint = HiddenField()

    def plan_request(self) -> PlanRequest:
        """The validated input as the generator's request."""
        return PlanRequest(
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            site_ids=list(self.sites.data or []),
            weekdays=tuple(sorted(self.weekdays.data or [])),
            windows=parse_windows(self.windows.data),
            per_window=self.per_window.data,
            duration_minutes=self.duration_minutes.data,
            paired_share=self.paired_share.data / 100,
            seed=self.seed.data or 0,
        )

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what the generator itself refuses (range, windows vs duration)."""
        if not super().validate(extra_validators):
            return False
        problems = request_problems(self.plan_request())
        for name, messages in problems.items():
            getattr(self, name).errors.extend(messages)
        self._errors = None
        return not problems
