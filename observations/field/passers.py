"""Labels of the people-moving count's own categories, for the passers-by screen.

Mode and group have fixed codes (models.PASSER_MODES, PASSER_GROUPS: the PLDP survey_mode
and survey_group); gender and age take the codebook's codes and labels.
"""

from flask_babel import gettext as _

from ..models import PASSER_GROUPS, PASSER_MODES


def passer_choices() -> dict[str, list[dict[str, str]]]:
    """The modes and group sizes as buttons show them: code and label, in order."""
    modes = {
        "on_foot": _("on foot"),
        "bicycle": _("bicycle"),
        "wheelchair": _("wheelchair or mobility aid"),
        "pushchair": _("pushchair or pram"),
        "other": _("other"),
    }
    groups = {
        "alone": _("alone"),
        "pair": _("pair"),
        "group": _("group (3–7)"),
        "large_group": _("large group (8+)"),
    }
    return {
        "mode": [{"code": code, "label": modes[code]} for code in PASSER_MODES],
        "group": [{"code": code, "label": groups[code]} for code in PASSER_GROUPS],
    }
