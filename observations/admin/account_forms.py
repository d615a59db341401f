"""The admin's account forms: a new account, a study and role, a role, the admin flag."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from .. import mail
from ..extensions import db
from ..forms import Form, text_field
from ..models import Study, User

ROLE_CHOICES = [
    SelectChoice("coordinator", _l("coordinator")),
    SelectChoice("lead", _l("research lead")),
    SelectChoice("fieldworker", _l("fieldworker")),
]


def study_choices(blank: bool) -> list[SelectChoice]:
    """The open studies to choose from (archived ones take no new members)."""
    names = db.session.execute(
        select(Study.slug, Study.name).where(Study.archived_at.is_(None)).order_by(Study.name)
    )
    first = [SelectChoice("", _l("No study yet"))] if blank else []
    return first + [SelectChoice(slug, name) for slug, name in names]


class NewAccountForm(Form):
    """Username, name, admin flag, an optional first study and role, an optional address."""

    username = text_field(
        User.username,
        _l("Username"),
        required_message=_l("Give a username."),
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )
    display_name = text_field(
        User.display_name, _l("Name"), required_message=_l("Give the person's name.")
    )
    is_admin = BooleanField(_l("Installation admin (may manage every study and account)"))
    study = SelectField(_l("Study"), choices=[], default="")
    role = SelectField(
        _l("Role in that study"), choices=[SelectChoice("", "—"), *ROLE_CHOICES], default=""
    )
    email = StringField(
        _l("E-mail address (optional)"),
        description=_l("Only used to send the link now; it is not stored."),
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.study.choices = study_choices(blank=True)
        if not mail.configured():
            del self.email

    def validate_email(self, field) -> None:
        """A mistyped address is refused before anything is made."""
        problems = mail.address_problems((field.data or "").strip())
        if problems:
            raise ValidationError(problems[0])


class MembershipForm(Form):
    """Add an account to a study with a role (both lists start on a real choice, so they
    are not marked required: SelectField refuses any value it did not offer)."""

    study = SelectField(_l("Study"), choices=[])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.study.choices = study_choices(blank=False)


class RoleForm(Form):
    """Another role in one study (the current one is preselected)."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class AdminFlagForm(Form):
    """Give or take the installation-admin flag."""

    is_admin = BooleanField(_l("Installation admin"))


class ActionForm(Form):
    """A button that changes one thing (deactivate, reactivate, new link): CSRF only."""


class FilterForm(Form):
    """Search the accounts by text and status (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"type": "search"})
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("all", _l("All")),
            SelectChoice("active", _l("Active")),
            SelectChoice("deactivated", _l("Deactivated")),
        ],
        default="all",
    )
