"""The dashboards' filters read from the query string, one bad value at a time.

`indicators.Filters.from_args` stops at the first argument it cannot read. A page must say
what is wrong with each bad value and still apply the others, so a bad argument is set aside
with its message and the rest read again. Sites and zones must belong to the study (and the
zones to the dashboard's site); the comparison's level must be one the indicators know.
The read API's indicators (page "api") take every argument, with the same checks.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..indicators import LEVELS, FilterError, Filters
from ..models import Site, Study

# Arguments a page does not offer: the site page has its own site, the comparison no zones.
NOT_OFFERED = {"site": ("sites",), "compare": ("zones",), "api": ()}
# Pages that show places at a level.
WITH_LEVEL = ("compare", "api")
# An ordering problem is shown at the argument that ends the range; the start of each range.
START_OF = {"to": "from", "hour_to": "hour_from"}
ARGUMENTS = ("from", "to", "sites", "zones", "days", "hour_from", "hour_to", "review", "level")


@dataclass
class Reading:
    """The filters that apply, the messages about bad values, and what the form shows."""

    filters: Filters
    level: str = "site"
    errors: dict[str, str] = field(default_factory=dict)
    bad_values: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, str]:
        """The filters in force as URL arguments (for links and downloads)."""
        args = self.filters.query_args()
        if self.level != "site":
            args["level"] = self.level
        return args


def _known(ids: tuple[int, ...], allowed: set[int]) -> bool:
    """Whether every id is one of the allowed ones."""
    return set(ids) <= allowed


def read(study: Study, args: MultiDict, page: str, site: Site | None = None) -> Reading:
    """Filters from the query string of a dashboard page ("site" or "compare"), or of the
    read API's indicators ("api")."""
    args = MultiDict([(k, v) for k, v in args.items(multi=True) if k in ARGUMENTS])
    for name in NOT_OFFERED[page]:
        args.poplist(name)
    errors, bad = {}, {}
    while True:
        try:
            filters = Filters.from_args(args)
            break
        except FilterError as problem:
            errors[problem.field] = str(problem.message)
            bad[problem.field] = ", ".join(args.getlist(problem.field))
            # A range that ends by default before its start (hour_from=24 alone) is pinned on
            # the absent end: its start goes, or the same problem would come back forever.
            culprit = problem.field if problem.field in args else START_OF[problem.field]
            bad[culprit] = ", ".join(args.getlist(culprit))
            args.poplist(culprit)
    if not _known(filters.sites, {s.id for s in study.sites}):
        errors["sites"] = str(_l("Choose sites of this study."))
        filters = filters.replace(sites=())
    if site is not None and not _known(filters.zones, {z.id for z in site.zones}):
        errors["zones"] = str(_l("Choose zones of this site."))
        filters = filters.replace(zones=())
    elif not _known(filters.zones, {z.id for s in study.sites for z in s.zones}):
        errors["zones"] = str(_l("Choose zones of this study."))
        filters = filters.replace(zones=())
    level = args.get("level") or "site"
    if page in WITH_LEVEL and level not in LEVELS:
        errors["level"] = str(_l("Choose site, neighbourhood or city."))
        bad["level"] = level
        level = "site"
    return Reading(filters, level, errors, bad)
