"""The codebook editor's forms: a category's labels and order, a code, an xlsx upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Regexp
from wtforms.widgets import TextInput

from ..codebook_editor import CODE_KEY, LONGEST_POSITION
from ..forms import Form, text_field
from ..models import Category, Code


def position_field():
    """The order of an item among its siblings: a whole number, lowest first."""
    return IntegerField(
        _l("Order"),
        description=_l("Lower numbers come first."),
        validators=[
            InputRequired(_l("Give a whole number.")),
            NumberRange(0, LONGEST_POSITION, _l("Give a whole number from 0 to 9999.")),
        ],
        # A text input: a number input may not hold what was typed ("a") when shown again.
        widget=TextInput(),
        render_kw={"inputmode": "numeric"},
    )


class CategoryForm(Form):
    """A category's labels in Dutch and English, and its place in the order."""

    label_nl = text_field(Category.label_nl, _l("Label (Dutch)"), _l("Give a Dutch label."))
    label_en = text_field(Category.label_en, _l("Label (English)"), _l("Give an English label."))
    position = position_field()


class CodeForm(Form):
    """A code's labels and descriptions in Dutch and English, and its place in the order."""

    label_nl = text_field(Code.label_nl, _l("Label (Dutch)"), _l("Give a Dutch label."))
    label_en = text_field(Code.label_en, _l("Label (English)"), _l("Give an English label."))
    description_nl = text_field(Code.description_nl, _l("Description (Dutch)"))
    description_en = text_field(Code.description_en, _l("Description (English)"))
    position = position_field()


class NewCodeForm(CodeForm):
    """A new code: its key, then what every code has."""

    code = text_field(
        Code.code,
        _l("Code"),
        _l("Give the code a key."),
        description=_l("Lower-case letters a–z, digits and _; it never changes, e.g. chess."),
        validators=[
            Regexp(
                f"^{CODE_KEY.pattern}$",
                message=_l(
                    "Use 1 to 40 lower-case letters a–z, digits and _ (for example new_code)."
                ),
            )
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class ButtonForm(Form):
    """A button that retires or restores a code (its CSRF token is all it carries)."""


class CodebookUploadForm(Form):
    """An xlsx file with the codebook, as the download gives it."""

    file = FileField(
        _l("Codebook file (.xlsx)"),
        description=_l("One row per code, as in the download."),
        validators=[FileRequired(_l("Choose the xlsx file."))],
    )
