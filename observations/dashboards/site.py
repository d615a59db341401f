"""The site dashboard's panels, made from indicators.site_dashboard's results."""

from functools import partial

from flask_babel import gettext as _

from ..charts import Column, Figure, bar_chart, heat_map, line_chart, stacked_chart
from ..charts.figure import CODE, DECIMAL, FLAG, HOURS, INDEX, INT, PERCENT, TEXT
from ..charts.heat import day_names
from ..indicators import CATEGORIES, THIN_HOURS, Familiarity, Mixing, SiteDashboard
from .labels import DIMENSION_NAMES, INTENSITY_NAMES, Labels
from .panels import (
    Panel,
    conditions_panel,
    mix_panel,
    rate_cells,
    rate_columns,
    rates_panel,
    varying,
)

RELATIONS = ("strangers", "recognised", "acquaintances", "unknown")


def _week_tick(week: str) -> str:
    """An ISO week as the axis shows it: "2026-W40" becomes "W40"."""
    return week.rpartition("-")[2]


def familiarity_panel(key: str, weeks: list[Familiarity], labels: Labels) -> Panel:
    """Encounters by apparent relation per week, as 100 % bars, with the familiar share."""
    columns = (
        Column("week", _("Week"), TEXT),
        *(Column(r, labels.code("relation", r), INT) for r in RELATIONS),
        Column("familiar_share", _("Familiar share"), PERCENT),
        Column("hours", _("Observed hours"), HOURS),
        Column("thin", _("Thin evidence"), FLAG),
    )
    rows = tuple(
        {
            "week": week.key,
            **{r: getattr(week, r) for r in RELATIONS},
            "familiar_share": week.familiar_share,
            "hours": week.hours,
            "thin": week.hours < THIN_HOURS,
        }
        for week in weeks
    )
    figure = Figure(
        key,
        _("Familiarity per week"),
        columns,
        rows,
        note=_(
            "Familiar share = (recognised + acquaintances) ÷ encounters whose relation was coded."
        ),
    )
    return Panel(figure, partial(stacked_chart, label="week", parts=list(RELATIONS), thin="thin"))


def trend_panels(board: SiteDashboard) -> list[Panel]:
    """The weekly trend: encounters per observed hour and the familiar share, week by week."""
    columns = (
        Column("week", _("Week"), TEXT),
        Column("encounters", _("Encounters"), INT),
        Column("hours", _("Observed hours"), HOURS),
        Column("rate", _("Encounters per observed hour"), DECIMAL),
        Column("familiar_share", _("Familiar share"), PERCENT),
        Column("thin", _("Thin evidence"), FLAG),
    )
    rows = tuple(
        {"week": week, **rate_cells(rate), "familiar_share": familiarity.familiar_share}
        for week, rate, familiarity in board.weekly
    )
    rate = Figure("trend-rate", _("Encounters per observed hour, week by week"), columns, rows)
    share = Figure("trend-familiarity", _("Familiar share, week by week"), columns, rows)
    line = partial(line_chart, x="week", thin="thin", tick=_week_tick)
    return [
        Panel(rate, partial(line, y="rate")),
        Panel(share, partial(line, y="familiar_share", top=1.0)),
    ]


def mixing_panel(key: str, mixing: dict[str, Mixing]) -> Panel:
    """Cross-group encounters per dimension set against random mixing (ratio 1)."""
    columns = (
        Column("dimension_code", _("Dimension code"), CODE),
        Column("dimension", _("Across"), TEXT),
        Column("encounters", _("Encounters (E + I)"), INT),
        Column("cross", _("Across groups (E)"), INT),
        Column("share", _("Cross-group share"), PERCENT),
        Column("blau", _("Blau index of the visitor mix"), INDEX),
        Column("ratio", _("Share ÷ Blau"), INDEX),
        Column("ei_index", _("E-I index"), INDEX),
    )
    rows = tuple(
        {
            "dimension_code": code,
            "dimension": str(DIMENSION_NAMES.get(code, code)),
            "encounters": m.encounters,
            "cross": m.cross,
            "share": m.share,
            "blau": m.blau,
            "ratio": m.ratio,
            "ei_index": m.ei_index,
        }
        for code, m in mixing.items()
    )
    figure = Figure(key, _("Mixing against random mixing"), columns, rows)
    reference = (1.0, _("1 = as much mixing as chance among the people present would give"))
    return Panel(figure, partial(bar_chart, label="dimension", value="ratio", reference=reference))


def heat_panel(key: str, cells: dict) -> Panel:
    """The encounter rate per weekday and hour of the day."""
    names = day_names()
    columns = (
        Column("day", _("ISO weekday (1 = Monday)"), CODE),
        Column("weekday", _("Weekday"), TEXT),
        Column("hour", _("Hour"), INT),
        *rate_columns(),
    )
    rows = tuple(
        {"day": day, "weekday": names[day], "hour": hour, **rate_cells(rate)}
        for (day, hour), rate in sorted(cells.items())
    )
    figure = Figure(key, _("Encounters per observed hour by weekday and hour"), columns, rows)
    return Panel(figure, partial(heat_map, day="day", hour="hour", value="rate", thin="thin"))


def panels(board: SiteDashboard, labels: Labels) -> dict[str, Panel]:
    """Every panel of the site dashboard, by figure key, in page order."""
    found = [
        rates_panel(
            "rates-by-type",
            _("Encounters per observed hour by encounter type"),
            labels.category("encounter_type"),
            board.rates_by_type,
            partial(labels.code, "encounter_type"),
        ),
        rates_panel(
            "rates-by-intensity",
            _("Encounters per observed hour by intensity"),
            _("Intensity"),
            board.rates_by_intensity,
            lambda code: str(INTENSITY_NAMES.get(code, code)),
        ),
        familiarity_panel("familiarity", board.familiarity_weekly, labels),
        mixing_panel("mixing", board.mixing),
        *(
            mix_panel(f"mix-{c}", c, labels, board.mix[c], board.mix_by_window.get(c, {}))
            for c in CATEGORIES
            if c in board.mix
        ),
        heat_panel("heat-map", board.heat_map),
        *trend_panels(board),
        conditions_panel("conditions", varying(board.conditions), labels),
    ]
    return {panel.key: panel for panel in found}
