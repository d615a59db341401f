"""The admin's form for a new study."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class StudyForm(FlaskForm):
    """Name, short name and description of a new study."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Give the study a name.")), Length(max=200)],
    )
    slug = StringField(
        _l("Short name"),
        description=_l("Used in web addresses and commands, e.g. familiariteit-2026."),
        validators=[InputRequired(_l("Give the study a short name.")), Length(max=40)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
