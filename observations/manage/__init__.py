"""The coordinator's pages: one module per area, each with its forms beside it.

home (overview, queue upload), sites (sites, zones, opening hours, profiles), team (members,
observer codes, availability), schedule (generator, list, calendar, coverage), codebook
(the editor, xlsx export and import), audit (the audit log) and retention (the retention
period, deleting records after an export). The domain work lives in
services the views and the CLI share; views stay short.
"""

from ..access import study_blueprint
from ..models import Role

bp = study_blueprint("manage", roles=(Role.COORDINATOR,))

from . import (  # noqa: F401
    audit,
    codebook,
    home,
    retention,
    schedule,
    schedule_generate,
    sites,
    team,
)
