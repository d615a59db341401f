"""The site dashboard's staying ratio: people staying against people passing, per line."""

from functools import partial

from flask_babel import gettext as _

from ..charts import Column, Figure, bar_chart
from ..charts.figure import CODE, DECIMAL, INT, RATIO, TEXT
from ..indicators import Staying
from .panels import Panel

KEY = "staying-ratio"


def staying_panel(found: list[Staying], zone_names: dict[int, str]) -> Panel | None:
    """Per counting line: passers per hour, people staying per scan and their ratio, as bars
    of the ratio; None when the site has no people-moving counts in the filters' scope."""
    lines = [s for s in found if s.zone_id is not None]
    if not lines:
        return None
    columns = (
        Column("zone_id", _("Zone id"), CODE),
        Column("zone", _("Counting line"), TEXT),
        Column("counts", _("Counts paired"), INT),
        Column("passers_per_hour", _("Passers per hour"), DECIMAL),
        Column("scans", _("Scans paired"), INT),
        Column("staying_per_scan", _("People staying per scan"), DECIMAL),
        Column("ratio", _("Staying ratio"), RATIO),
        Column("unpaired", _("Counts without a scan"), INT),
    )
    rows = tuple(
        {
            "zone_id": s.zone_id,
            "zone": zone_names.get(s.zone_id, str(s.zone_id)),
            "counts": s.counts,
            "passers_per_hour": s.passers_per_hour,
            "scans": s.scans,
            "staying_per_scan": s.staying_per_scan,
            "ratio": s.ratio,
            "unpaired": s.unpaired,
        }
        for s in sorted(lines, key=lambda s: zone_names.get(s.zone_id, ""))
    )
    figure = Figure(
        KEY,
        _("Staying ratio: people staying against people passing"),
        columns,
        rows,
        note=_(
            "Each people-moving count is paired with the scans of its zone in its session "
            "within its period widened by its length on either side; counts without such a "
            "scan are left out. Staying ratio = people staying per scan ÷ passers per hour: "
            "0.10 means 10 people staying for every 100 passing in an hour."
        ),
    )
    return Panel(figure, partial(bar_chart, label="zone", value="ratio"))
