"""The research lead's form for importing a PLDP table from the web."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SubmitField

from ..forms import Form
from ..pldp.encoding import CHOICES


class ImportForm(Form):
    """A PLDP 1.0 single table (people staying or moving), and optionally the locations
    file that names its places."""

    table = FileField(
        _l("PLDP table (CSV)"),
        description=_l(
            "A PLDP 1.0 single table of people staying or of people moving, saved as CSV, in "
            "the protocol's columns or the camelCase ones (genderMale, startedAt). Each "
            "location becomes a zone, each survey a session with one scan or one "
            "people-moving count."
        ),
        validators=[FileRequired(_l("Choose the PLDP table."))],
    )
    locations = FileField(
        _l("Locations file (optional)"),
        description=_l("The PLDP locations file of the same study: it names sites and zones."),
    )
    encoding = SelectField(
        _l("Encoding"),
        choices=[SelectChoice("", _l("Detect (UTF-8, else Windows cp1252)"))]
        + [SelectChoice(name, name) for name in CHOICES],
        default="",
        description=_l("Leave this on detect unless the report shows wrong letters."),
    )
    kind = SelectField(
        _l("What the table counts"),
        choices=[
            SelectChoice("", _l("Detect from the columns")),
            SelectChoice("staying", _l("People staying (scans)")),
            SelectChoice("moving", _l("People moving (passers-by at a counting line)")),
        ],
        default="",
        description=_l(
            "A table with mode columns (mode_pedestrian, modePedestrian) and no posture "
            "columns counts people moving; the report says what was detected."
        ),
    )
    submit = SubmitField(_l("Import"))
