"""The admin's forms: a new study, and archiving or reopening one."""

from flask_babel import lazy_gettext as _l

from ..forms import Form, text_field
from ..models import Study


class StudyForm(Form):
    """Name, short name and description of a new study."""

    name = text_field(Study.name, _l("Name"), required_message=_l("Give the study a name."))
    slug = text_field(
        Study.slug,
        _l("Short name"),
        required_message=_l("Give the study a short name."),
        description=_l("Used in web addresses and commands, e.g. familiariteit-2026."),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    description = text_field(Study.description, _l("Description"))


class ArchiveForm(Form):
    """The button that archives or reopens a study (its CSRF token is all it carries)."""
