"""Forms for logging in, switching language and changing one's account."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, InputRequired, Length

from ..forms import Form, text_field
from ..models import ApiToken, User

LANGUAGE_CHOICES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


class LoginForm(Form):
    """Username and password."""

    username = StringField(
        _l("Username"),
        validators=[InputRequired(_l("Enter your username.")), Length(max=64)],
        render_kw={
            "autocomplete": "username",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"), default=True)


class LanguageForm(Form):
    """The language switch on every page."""

    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    next = HiddenField()


class ProfileForm(Form):
    """The name others see and the interface language."""

    display_name = text_field(
        User.display_name, _l("Name"), required_message=_l("Give your name; others see it.")
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class NewPasswordForm(Form):
    """Choosing a new password, twice (through a one-time link; the account page adds the
    current one)."""

    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            InputRequired(_l("Repeat the new password.")),
            EqualTo("new_password", _l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(NewPasswordForm):
    """Changing one's password: the new one twice, and the current one first."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class TokenForm(Form):
    """A new personal API token."""

    name = text_field(
        ApiToken.name,
        _l("Name of the token"),
        required_message=_l("Give the token a name."),
        description=_l("What the token is for, e.g. 'R script' or 'laptop'."),
    )
