"""Forms of the retention pages: the study's retention period, and confirming a purge."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import TextInput

from ..forms import Form, stripped
from ..retention import LONGEST_MONTHS
from .schedule_generate_forms import WholeNumber

MONTHS_MESSAGE = _l(
    "Give the retention period in whole months, from 1 to %(longest)d.", longest=LONGEST_MONTHS
)


class RetentionForm(Form):
    """How many months the study's records are kept; empty: no period."""

    retention_months = WholeNumber(
        _l("Retention period in months"),
        message=MONTHS_MESSAGE,
        validators=[Optional(), NumberRange(1, LONGEST_MONTHS, MONTHS_MESSAGE)],
        description=_l(
            "Counted from the day of the oldest session. Leave empty for no retention period."
        ),
        # A text input: a number input may not hold what was typed ("a") when shown again.
        widget=TextInput(),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class PurgeForm(Form):
    """Typing the study's short name confirms that its records are to be deleted."""

    confirmation = StringField(
        _l("Short name of the study"),
        filters=[stripped],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )

    def confirms(self, slug: str) -> bool:
        """Whether the short name was typed exactly; if not, say so under the field."""
        if self.confirmation.data == slug:
            return True
        self.confirmation.errors = [
            *self.confirmation.errors,
            _l("Type the short name %(slug)s exactly to confirm.", slug=slug),
        ]
        self._errors = None  # computed again with this message
        return False
