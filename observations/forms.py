"""What every form shares: text it can store, rules taken from the model, dates in range.

Every form in Terloops derives from `Form`. Each text field it binds refuses control
characters and broken Unicode (a NUL in a name must be a message, not a server error on
PostgreSQL); `text_field(Model.column, label)` builds a field whose length and required rule
are the model's own (text.py); hidden fields render without an id, so a page with several
forms has no duplicate `id="csrf_token"`.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from . import text
from .models.types import FIRST_DAY, LAST_DAY


class StorableText:
    """Refuse text with control characters or broken Unicode, in the user's language.

    The form is shown again with the rest of the text kept and each bad character as �,
    so the person sees where it was.
    """

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, str):
            problem = text.character_problem(field.data, self.multiline)
            if problem:
                field.data = text.visible(field.data, self.multiline)
                raise StopValidation(problem)


class FollowsRule:
    """A model column's text rule: required after stripping, and at most so long."""

    def __init__(self, rule: text.TextRule, required_message=None):
        self.rule = rule
        self.required_message = required_message
        # Screen readers announce the field as required; the length is shown by a counter
        # (static/js/page.js), never enforced by `maxlength`, which cuts pasted text silently.
        self.field_flags = {"required": True} if rule.required else {}

    def __call__(self, _form, field) -> None:
        value = field.data if isinstance(field.data, str) else ""
        if self.rule.required and not value.strip():
            raise StopValidation(self.required_message or text.problems("", self.rule)[0])
        found = text.problems(value, text.TextRule(self.rule.longest, False, self.rule.multiline))
        if found:
            raise StopValidation(found[0])


def stripped(value):
    """Text fields keep what was typed, without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def text_field(column, label, required_message=None, **kwargs) -> UnboundField:
    """A text field (or text area, for a multi-line column) that follows the column's rule."""
    rule = text.rule_of(column)
    field_class = TextAreaField if rule.multiline else StringField
    render_kw = {"data-maxlength": rule.longest, **kwargs.pop("render_kw", {})}
    validators = [FollowsRule(rule, required_message), *kwargs.pop("validators", [])]
    return field_class(
        label, validators=validators, filters=[stripped], render_kw=render_kw, **kwargs
    )


class InRange:
    """A date between the first and last day Terloops stores (years 2000 to 2099)."""

    def __init__(self):
        self.field_flags = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, date) and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(
                _l(
                    "Give a date from %(first)s to %(last)s.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            )


class DayField(DateField):
    """A date input whose value lies in the range every stored time keeps to."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), InRange()], **kwargs)
        self.messages = {"invalid": _l("Give a date like 2026-05-01.")}

    def _value(self):
        """The date, or what was typed, with each character a page cannot hold shown as �."""
        return text.visible(super()._value())

    def process_formdata(self, valuelist):
        """Parse the date; a bad one gets our message rather than WTForms' own."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.messages["invalid"]) from None


class Form(FlaskForm):
    """The base of every form: text fields refuse what cannot be stored."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Give every text field the storable-text check (once), before its own."""
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField):
                kwargs = dict(unbound_field.kwargs)
                multiline = issubclass(field_class, TextAreaField)
                kwargs["validators"] = [StorableText(multiline), *(kwargs.get("validators") or [])]
                unbound_field = UnboundField(
                    field_class, *unbound_field.args, name=unbound_field.name, **kwargs
                )
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            """Hidden fields carry no id: several forms on one page share their names."""
            if field.type in ("HiddenField", "CSRFTokenField"):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)
