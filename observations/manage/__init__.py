"""The coordinator's pages: sites and zones, the team, the schedule."""

from ..access import study_blueprint
from ..models import Role

bp = study_blueprint("manage", roles=(Role.COORDINATOR,))

from . import routes  # noqa: F401
