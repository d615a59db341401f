"""Conditions set against the encounter rate: programme, crowding, zone conditions, profile.

- "programme": level "running" (a session's programme is set and not "none") or "none".
- "crowding": the session's crowding code ("unknown" when not recorded).
- "zone:<code>": "yes"/"no" — an encounter in a zone counts under "yes" when the latest scan of
  that zone in the same session at or before it recorded the condition; hours are split the
  same way per session-zone-time (see the module's functions).
- "profile:<field>": the value of the site profile that held on the local day of the session
  (scale fields by their choice; counts and multi-selects as described in profile_levels).
"""

from ..models import Study
from .filters import Filters
from .results import ConditionRow


def conditions(study: Study, f: Filters) -> list[ConditionRow]:
    """One row per factor and level, factors in a fixed order, levels in codebook order."""
    return []
