"""The site dashboard and the cross-site comparison, and each figure's xlsx download."""

import io

from flask import abort, g, render_template, request, send_file, url_for

from .. import indicators
from ..charts import workbook
from ..dashboards import compare, describe, filtering, site
from ..dashboards.labels import PLACE_LEVELS, labels_of
from ..dashboards.staying import staying_panel
from ..errors import render_error
from ..extensions import db
from ..models import Site
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _site(site_id: int) -> Site:
    """A site of this study, or 404 (another study's sites are not revealed)."""
    found = db.session.get(Site, site_id)
    if found is None or found.study_id != g.study.id:
        abort(404)
    return found


def _site_panels(found: Site):
    """The filters read from the query string and the site dashboard's panels (with the
    staying ratio when the site has people-moving counts)."""
    reading = filtering.read(g.study, request.args, "site", site=found)
    board = indicators.site_dashboard(g.study, found, reading.filters)
    panels = site.panels(board, labels_of(g.study))
    staying = staying_panel(
        indicators.site_staying(g.study, found.id, reading.filters),
        {zone.id: zone.name for zone in found.zones},
    )
    if staying is not None:
        panels[staying.key] = staying
    return reading, board, panels


def _compare_panels():
    """The filters read from the query string and the comparison's panels."""
    reading = filtering.read(g.study, request.args, "compare")
    comparison = indicators.comparison(g.study, reading.filters, reading.level)
    heading = str(PLACE_LEVELS[reading.level]).capitalize()
    return reading, comparison, compare.panels(comparison, labels_of(g.study), heading)


def _download(panels: dict, name: str, reading, about: list, file_stem: str):
    """One figure as an xlsx file; bad filters are a page that says what is wrong."""
    panel = panels.get(name)
    if panel is None:
        abort(404)
    if reading.errors:
        return render_error(422, " ".join(reading.errors.values()))
    return send_file(
        io.BytesIO(workbook(panel.figure, about)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{file_stem}-{name}.xlsx",
    )


@bp.get("/sites/<int:site_id>")
def site_dashboard(site_id: int):
    """A site's dashboard: who comes, who meets whom, when, and under which conditions."""
    found = _site(site_id)
    reading, board, panels = _site_panels(found)
    return render_template(
        "research/site_dashboard.html",
        site=found,
        zones=[(zone.id, zone.name) for zone in found.zones],
        reading=reading,
        board=board,
        panels=panels,
        summary=describe.lines(g.study, reading, found, stamp=False),
        download=lambda key: url_for(
            "research.site_figure", site_id=found.id, figure=key, **reading.query
        ),
    ), (422 if reading.errors else 200)


@bp.get("/sites/<int:site_id>/figures/<figure>.xlsx")
def site_figure(site_id: int, figure: str):
    """One figure of the site dashboard, under the page's filters, as an xlsx file."""
    found = _site(site_id)
    reading, _board, panels = _site_panels(found)
    about = describe.lines(g.study, reading, found)
    return _download(panels, figure, reading, about, f"{g.study.slug}-site-{found.id}")


@bp.get("/compare")
def compare_sites():
    """The sites (or neighbourhoods, or cities) side by side."""
    reading, comparison, panels = _compare_panels()
    return render_template(
        "research/compare.html",
        reading=reading,
        comparison=comparison,
        panels=panels,
        summary=describe.lines(g.study, reading, stamp=False),
        sites=[(s.id, s.name) for s in sorted(g.study.sites, key=lambda s: s.name)],
        levels=[(key, str(name)) for key, name in PLACE_LEVELS.items()],
        download=lambda key: url_for("research.compare_figure", figure=key, **reading.query),
    ), (422 if reading.errors else 200)


@bp.get("/compare/figures/<figure>.xlsx")
def compare_figure(figure: str):
    """One figure of the comparison, under the page's filters, as an xlsx file."""
    reading, _comparison, panels = _compare_panels()
    about = describe.lines(g.study, reading)
    return _download(panels, figure, reading, about, f"{g.study.slug}-compare")
