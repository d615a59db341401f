"""The filters of the reliability page: site, period and the two matching tolerances."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..extensions import db
from ..forms import DayField, Form
from ..manage.schedule_generate_forms import WholeNumber
from ..models import Site, Study
from ..reliability.report import DEFAULT_SCAN_SECONDS, DEFAULT_SECONDS, Options

LONGEST = 3600


def _seconds(label, description, default: int) -> WholeNumber:
    """A tolerance in whole seconds, from 1 to an hour."""
    message = _l("Give a whole number of seconds from 1 to %(most)s.", most=LONGEST)
    return WholeNumber(
        label,
        [Optional(), NumberRange(1, LONGEST, message)],
        message=message,
        default=default,
        description=description,
        render_kw={"inputmode": "numeric"},
    )


class ReliabilityForm(Form):
    """The page's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    site = SelectField(_l("Site"), default="")
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
    tolerance = _seconds(
        _l("Encounters match within (seconds)"), _l("Default 60 seconds."), DEFAULT_SECONDS
    )
    scan_tolerance = _seconds(
        _l("Scans match within (seconds)"),
        _l("Default 300 seconds (5 minutes)."),
        DEFAULT_SCAN_SECONDS,
    )

    def validate_date_to(self, field) -> None:
        """The period must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date lies before the start date."))


def reliability_form(study: Study, args) -> ReliabilityForm:
    """The form filled from the query string, its sites from the study."""
    form = ReliabilityForm(MultiDict([(k, v) for k, v in args.items(multi=True) if v]))
    sites = db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.name))
    form.site.choices = [SelectChoice("", _l("All sites"))] + [
        SelectChoice(str(s.id), s.name) for s in sites
    ]
    return form


def options_of(form: ReliabilityForm) -> Options:
    """The report's options from a valid form (empty fields: everything, default tolerances)."""
    return Options(
        site_id=int(form.site.data) if form.site.data else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        tolerance_seconds=form.tolerance.data or DEFAULT_SECONDS,
        scan_tolerance_seconds=form.scan_tolerance.data or DEFAULT_SCAN_SECONDS,
    )
