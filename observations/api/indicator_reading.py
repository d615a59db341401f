"""GET /api/v1/studies/<slug>/indicators: the dashboards' indicators for analysis tools.

One JSON object with every figure of both dashboards under the filters asked (the places at
the level asked), or `?format=csv&figure=NAME`: one figure's table as on its xlsx download.
The same readers as the tables (reading.py). Indicators are aggregates computed at the
moment of asking, so nothing here is paged or waits for records to settle.
"""

from flask import Response, current_app, request
from flask_babel import force_locale

from .. import indicators
from ..errors import render_error
from ..models import Study
from . import bp, indicator_args, indicator_body, indicator_figures
from .auth import authenticated
from .read_args import BadArguments
from .reading import readable_study


@bp.get("/studies/<slug:slug>/indicators")
@authenticated
def read_indicators(slug: str):
    """The indicators as JSON, or one figure's table as CSV."""
    study = readable_study(slug)
    if not isinstance(study, Study):
        return study
    try:
        asked = indicator_args.parse(study, request.args)
    except BadArguments as bad:
        return render_error(400, str(bad), bad.errors)
    comparison = indicators.comparison(study, asked.filters, asked.level)
    # Labels "codes": the codebook's codes; the names the indicators add come in English.
    with force_locale("en" if asked.labels == "codes" else asked.labels):
        labels = indicator_figures.labels_for(study, asked.labels)
        figures = indicator_figures.figures(comparison, labels)
        if asked.format == "csv":
            text = "".join(indicator_figures.figure_csv(figures[asked.figure]))
            response = Response(text.encode(), mimetype="text/csv")
            name = f"{study.slug}-{asked.figure}.csv"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        names = [{"name": name, "title": figure.title} for name, figure in figures.items()]
        body = indicator_body.body(study, comparison, labels, asked.labels, names)
    # Keys in the order written (jsonify would sort them).
    return Response(current_app.json.dumps(body, sort_keys=False), mimetype="application/json")
