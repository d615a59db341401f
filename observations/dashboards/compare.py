"""The comparison's panels, made from indicators.comparison's results: the places side by side."""

from functools import partial

from flask_babel import gettext as _

from ..charts import Column, Figure, bar_chart, stacked_chart
from ..charts.figure import INDEX, INT, PERCENT, TEXT
from ..indicators import Comparison, PlaceRow
from ..sites.profile import COUNT, FIELDS, clean
from .labels import DIMENSION_NAMES, Labels
from .panels import Panel, conditions_panel, rate_cells, rate_columns

DIMENSIONS = ("age", "company")


def _profile_cells(place: PlaceRow) -> dict:
    """The place's site profile, each item as the page shows it (counts as numbers)."""
    if place.profile is None:
        return {}
    data = clean(place.profile)
    return {
        f"profile_{f.key}": data[f.key] if f.kind == COUNT else f.display(data[f.key])
        for f in FIELDS
    }


def places_panel(comparison: Comparison, heading: str) -> Panel:
    """The places side by side: rates, familiarity, mixing, diversity and (for sites) profile."""
    columns = [
        Column("label", heading, TEXT),
        *rate_columns(),
        Column("sessions", _("Sessions"), INT),
        Column("familiar_share", _("Familiar share"), PERCENT),
    ]
    for dimension in DIMENSIONS:
        name = DIMENSION_NAMES[dimension]
        columns += [
            Column(f"share_{dimension}", _("Cross-group share: %(d)s", d=name), PERCENT),
            Column(f"ratio_{dimension}", _("Share ÷ Blau: %(d)s", d=name), INDEX),
        ]
    columns += [
        Column("blau_age", _("Age diversity (Blau, corrected)"), INDEX),
        Column("shannon_age", _("Age diversity (Shannon)"), INDEX),
    ]
    if comparison.level == "site":
        columns += [
            Column(f"profile_{f.key}", str(f.label), INT if f.kind == COUNT else TEXT)
            for f in FIELDS
        ]
    rows = []
    for place in comparison.places:
        row = {
            "label": place.label,
            **rate_cells(place.totals.rate),
            "sessions": place.totals.sessions,
            "familiar_share": place.familiar_share,
            "blau_age": place.mix_age.blau_corrected,
            "shannon_age": place.mix_age.shannon,
        }
        for dimension, mixing in (("age", place.mixing_age), ("company", place.mixing_company)):
            row[f"share_{dimension}"] = mixing.share
            row[f"ratio_{dimension}"] = mixing.ratio
        rows.append(row | _profile_cells(place))
    figure = Figure(
        "places",
        _("The places side by side"),
        tuple(columns),
        tuple(rows),
        note=_("The bars: encounters per observed hour, with the observed hours behind them."),
    )
    draw = partial(bar_chart, label="label", value="rate", hours="hours", thin="thin")
    return Panel(figure, draw)


def familiarity_panel(comparison: Comparison, heading: str) -> Panel:
    """The familiar share per place."""
    figure = Figure(
        "places-familiarity",
        _("Familiar share per place"),
        (
            Column("label", heading, TEXT),
            Column("familiar_share", _("Familiar share"), PERCENT),
            Column("encounters", _("Encounters"), INT),
        ),
        tuple(
            {
                "label": p.label,
                "familiar_share": p.familiar_share,
                "encounters": p.totals.encounters,
            }
            for p in comparison.places
        ),
        note=_(
            "Familiar share = (recognised + acquaintances) ÷ encounters whose relation was coded."
        ),
    )
    return Panel(figure, partial(bar_chart, label="label", value="familiar_share", top=1.0))


def mixing_panel(comparison: Comparison, heading: str) -> Panel:
    """Cross-group encounters against random mixing, per place and dimension."""
    rows = []
    for dimension in DIMENSIONS:
        for place in comparison.places:
            mixing = place.mixing_age if dimension == "age" else place.mixing_company
            rows.append(
                {
                    "dimension": str(DIMENSION_NAMES[dimension]),
                    "label": place.label,
                    "encounters": mixing.encounters,
                    "share": mixing.share,
                    "blau": mixing.blau,
                    "ratio": mixing.ratio,
                    "ei_index": mixing.ei_index,
                }
            )
    figure = Figure(
        "places-mixing",
        _("Mixing against random mixing per place"),
        (
            Column("dimension", _("Across"), TEXT),
            Column("label", heading, TEXT),
            Column("encounters", _("Encounters (E + I)"), INT),
            Column("share", _("Cross-group share"), PERCENT),
            Column("blau", _("Blau index of the visitor mix"), INDEX),
            Column("ratio", _("Share ÷ Blau"), INDEX),
            Column("ei_index", _("E-I index"), INDEX),
        ),
        tuple(rows),
    )
    reference = (1.0, _("1 = as much mixing as chance among the people present would give"))
    draw = partial(bar_chart, label="label", value="ratio", group="dimension")
    return Panel(figure, partial(draw, reference=reference))


def age_mix_panel(comparison: Comparison, heading: str, labels: Labels) -> Panel:
    """Who comes, by age group, per place."""
    codes = list(comparison.places[0].mix_age.counts) if comparison.places else []
    parts = [f"n_{index}" for index in range(len(codes))]
    columns = (
        Column("label", heading, TEXT),
        *(Column(p, labels.code("age", c), INT) for p, c in zip(parts, codes, strict=True)),
        Column("total", _("People counted (N)"), INT),
        Column("blau_corrected", _("Blau index, corrected N/(N−1)"), INDEX),
        Column("shannon", _("Shannon index"), INDEX),
    )
    rows = tuple(
        {
            "label": p.label,
            **{part: p.mix_age.counts.get(c, 0) for part, c in zip(parts, codes, strict=True)},
            "total": p.mix_age.total,
            "blau_corrected": p.mix_age.blau_corrected,
            "shannon": p.mix_age.shannon,
        }
        for p in comparison.places
    )
    title = _("Visitor mix per place: %(category)s", category=labels.category("age"))
    figure = Figure("places-age", title, columns, rows)
    return Panel(figure, partial(stacked_chart, label="label", parts=parts))


def panels(comparison: Comparison, labels: Labels, heading: str) -> dict[str, Panel]:
    """Every panel of the comparison, by figure key, in page order."""
    found = [
        places_panel(comparison, heading),
        familiarity_panel(comparison, heading),
        mixing_panel(comparison, heading),
        age_mix_panel(comparison, heading, labels),
        conditions_panel("conditions", comparison.conditions, labels),
    ]
    return {panel.key: panel for panel in found}
