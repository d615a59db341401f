"""The query string of the indicators endpoint, checked: the dashboards' filters and more.

The filters have the names the dashboard pages use (`sites`, `zones`, `days`, `hour_from`,
`hour_to`, `review`, `level`), read and checked as the pages read them
(dashboards/filtering.py), so a dashboard's query string works here as it is. Where the
other read routes have a parameter, it works as there: `site` (repeatable, a site's id or
exact name; joins `sites`), `from` and `to` (local days), `labels`, `format`. `figure`
names the figure a CSV holds. Every problem is reported per parameter.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..dashboards import filtering
from ..export import LABELS
from ..export.filters import find_sites, parse_day
from ..indicators import Filters
from ..models import Study
from ..text import visible
from .indicator_figures import FIGURES
from .read_args import FORMATS, BadArguments, choice

# The parameters the dashboards' reading checks.
DASHBOARD = ("sites", "zones", "days", "hour_from", "hour_to", "review", "level")


@dataclass
class IndicatorArgs:
    """What an indicators request asks for."""

    filters: Filters
    level: str = "site"
    labels: str = "nl"
    format: str = "json"
    figure: str | None = None


def _summary(errors: dict[str, list[str]]) -> str:
    """Every message, each naming its parameter (the dashboards' messages do not)."""
    return " ".join(
        message if message.startswith(name) else f"{name}: {message}"
        for name, messages in errors.items()
        for message in messages
    )


def _figure(value: str | None, format: str) -> str | None:
    """The figure asked for; one is needed for CSV."""
    names = ", ".join(FIGURES)
    if value is None:
        if format == "csv":
            raise ValueError(_("format=csv takes figure, one of: %(names)s.", names=names))
        return None
    if value not in FIGURES:
        raise ValueError(
            _("Unknown figure %(name)s. Figures: %(names)s.", name=visible(value), names=names)
        )
    return value


def parse(study: Study, args: MultiDict) -> IndicatorArgs:
    """The request's settings, or BadArguments listing every mistake.

    An empty parameter counts as absent, as on the other read routes.
    """
    errors: dict[str, list[str]] = {}

    def value(name: str, convert, default=None):
        try:
            return convert(args.get(name) or default)
        except ValueError as error:
            errors[name] = [str(error)]
            return default

    format = value("format", lambda v: choice(v, FORMATS, "format"), "json")
    labels = value("labels", lambda v: choice(v, LABELS, "labels"), "nl")
    figure = value("figure", lambda v: _figure(v, format))
    date_from = value("from", lambda v: parse_day(v, "from"))
    date_to = value("to", lambda v: parse_day(v, "to"))
    if date_from and date_to and date_from > date_to:
        errors["to"] = [_("from lies after to.")]
    try:
        named = find_sites(study, [v for v in args.getlist("site") if v], by_id=True)
    except ValueError as error:
        errors["site"] = [str(error)]
        named = []
    own = MultiDict([(k, v) for k, v in args.items(multi=True) if k in DASHBOARD])
    reading = filtering.read(study, own, "api")
    errors |= {name: [message] for name, message in reading.errors.items()}
    if errors:
        raise BadArguments(errors, _summary(errors))
    sites = tuple(dict.fromkeys((*reading.filters.sites, *named)))
    return IndicatorArgs(
        filters=reading.filters.replace(date_from=date_from, date_to=date_to, sites=sites),
        level=reading.level,
        labels=labels,
        format=format,
        figure=figure,
    )
