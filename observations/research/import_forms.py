"""The research lead's form for importing a PLDP table from the web."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..forms import Form


class ImportForm(Form):
    """A PLDP 1.0 single table, and optionally the locations file that names its places."""

    table = FileField(
        _l("PLDP table (CSV)"),
        description=_l(
            "A PLDP 1.0 single table of people staying, saved as CSV (UTF-8). Each row's "
            "location_id becomes a zone, each survey a session with one scan."
        ),
        validators=[FileRequired(_l("Choose the PLDP table."))],
    )
    locations = FileField(
        _l("Locations file (optional)"),
        description=_l("The PLDP locations file of the same study: it names sites and zones."),
    )
    submit = SubmitField(_l("Import"))
