"""The reliability page: how well paired observers agree, with the filters of the CLI."""

from flask import g, render_template, request

from ..reliability import report, words
from ..reliability.stats import LOW_AGREEMENT
from . import bp
from .reliability_forms import options_of, reliability_form


@bp.get("/reliability")
def reliability_page():
    """Kappa per coding and ICC per count, overall and per observer pair, and the method."""
    form = reliability_form(g.study, request.args)
    valid = form.validate()
    options = options_of(form) if valid else report.Options()
    found = report.build(g.study, options) if valid else None
    zones = report.zone_names(g.study)
    return render_template(
        "research/reliability.html",
        form=form,
        options=options,
        report=found,
        labels=words.labels(g.study),
        cases=words.CASES,
        band=words.band,
        low_limit=LOW_AGREEMENT,
        sites=report.site_names(g.study),
        zone_names=lambda ids: ", ".join(sorted(zones.get(i, "–") for i in ids)),
    ), (200 if valid else 422)
