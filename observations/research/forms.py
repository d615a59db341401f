"""The research lead's export form."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import text
from ..forms import DayField, Form, stripped
from ..models import ExportPreset


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; none ticked means all."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExportForm(Form):
    """What to export, and how."""

    format = RadioField(
        _l("File"),
        default="xlsx",
        choices=[
            SelectChoice("xlsx", _l("Excel workbook (.xlsx)")),
            SelectChoice("csv", _l("CSV files in a zip (UTF-8)")),
            SelectChoice("pldp", _l("PLDP 1.0 single table (scans, CSV)")),
            SelectChoice("pldp-moving", _l("PLDP 1.0 people moving (passers-by counts, CSV)")),
        ],
    )
    labels = RadioField(
        _l("Codes as"),
        default="nl",
        choices=[
            SelectChoice("nl", _l("Dutch labels")),
            SelectChoice("en", _l("English labels")),
            SelectChoice("codes", _l("raw codes (for SPSS, R, Python)")),
        ],
    )
    sites = MultiCheckboxField(_l("Sites"), coerce=int, description=_l("None ticked: all sites."))
    observers = MultiCheckboxField(
        _l("Observers"), coerce=int, description=_l("None ticked: all observers.")
    )
    review_states = MultiCheckboxField(
        _l("Review states"), description=_l("None ticked: every session.")
    )
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
    preset_name = StringField(
        _l("Name for these settings"),
        filters=[stripped],
        render_kw={"data-maxlength": text.rule_of(ExportPreset.name).longest},
    )
    export = SubmitField(_l("Export"))
    save_preset = SubmitField(_l("Save as preset"))

    def validate_date_to(self, field) -> None:
        """The period must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date lies before the start date."))

    def validate_preset_name(self, field) -> None:
        """Saving a preset needs a name that follows the preset's rule."""
        if not self.save_preset.data:
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Give the preset a name."))
        found = text.problems(field.data, text.rule_of(ExportPreset.name))
        if found:
            raise ValidationError(found[0])
