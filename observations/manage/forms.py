"""The coordinator's forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..forms import Form


def user_id_or_none(value) -> int | None:
    """A chosen user's id; the empty first option ("choose …") is none."""
    return int(value) if value not in ("", None) else None


class QueueUploadForm(Form):
    """A queue file from a phone, and whose records they are."""

    file = FileField(
        _l("Queue file"),
        description=_l("The .json file the fieldworker downloaded from the status line."),
        validators=[FileRequired(_l("Choose the queue file."))],
    )
    fieldworker = SelectField(
        _l("Whose records are these?"),
        coerce=user_id_or_none,
        validators=[InputRequired(_l("Choose the fieldworker."))],
    )
