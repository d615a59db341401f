"""The fieldworker's pages: today's slots and their own sessions."""

from ..access import study_blueprint
from ..models import ROLE_VALUES

# Every member may observe: small teams often have leads and coordinators in the field too.
bp = study_blueprint("field", roles=ROLE_VALUES, admin=False)

from . import replies, routes  # noqa: F401
