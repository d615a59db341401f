"""The research lead's pages: overview per site and sessions awaiting review."""

from ..access import study_blueprint
from ..models import Role

bp = study_blueprint("research", roles=(Role.LEAD, Role.COORDINATOR))

from . import (  # noqa: F401
    corrections,
    dashboards,
    exports,
    imports,
    queue,
    reliability,
    routes,
    session,
)
