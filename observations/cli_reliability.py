"""The `reliability` command: how well paired observers agree, as text or as one JSON object."""

import json

import click
from flask.cli import with_appcontext
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from . import text
from .cli_data import _date, _fail, _study
from .extensions import db
from .models import Site, Study
from .reliability import report as reliability
from .reliability import words
from .reliability.stats import LOW_AGREEMENT

LONGEST_TOLERANCE = 3600


def _seconds(value: str | None, option: str, default: int) -> int:
    """A whole number of seconds from 1 to an hour, or stop with a clear message."""
    if value is None:
        return default
    if not value.strip().isdigit() or not 1 <= int(value) <= LONGEST_TOLERANCE:
        _fail(
            _(
                "%(option)s takes a whole number of seconds from 1 to %(most)d, not %(value)s.",
                option=option,
                most=LONGEST_TOLERANCE,
                value=text.visible(value),
            )
        )
    return int(value)


def _site(study: Study, name: str | None) -> int | None:
    """The id of the study's site with this name, or stop with a clear message."""
    if name is None:
        return None
    sites = {s.name: s.id for s in db.session.scalars(select(Site).filter_by(study_id=study.id))}
    if name not in sites:
        _fail(
            _(
                "Unknown site %(names)s. Sites of this study: %(known)s.",
                names=text.visible(name),
                known=", ".join(sorted(sites)),
            )
        )
    return sites[name]


def _figure(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "0.00")


def _share(value: float | None) -> str:
    return "–" if value is None else format_decimal(value * 100, "0") + " %"


def _lines(part: dict, labels: dict[str, str], indent: str = "  ") -> list[str]:
    """The text lines of one group's encounters and scans."""
    encounters, scans = part["encounters"], part["scans"]
    lines = [
        _(
            "Encounters: %(matched)d matched; unmatched: %(first)d (first observer), "
            "%(second)d (second observer).",
            matched=encounters["matched"],
            first=encounters["unmatched"]["first"],
            second=encounters["unmatched"]["second"],
        )
    ]
    for name, kappa in encounters["categories"].items():
        lines.append(
            f"{indent}{labels.get(name, name)}: κ {_figure(kappa['kappa'])}"
            + (f" ({words.band(kappa['kappa'])})" if kappa["kappa"] is not None else "")
            + " · "
            + _("agreement %(share)s", share=_share(kappa["agreement"]))
            + " · "
            + _pairs(kappa["pairs"])
            + _note(kappa)
        )
    lines.append(
        _(
            "Scans: %(matched)d matched; unmatched: %(first)d (first observer), "
            "%(second)d (second observer).",
            matched=scans["matched"],
            first=scans["unmatched"]["first"],
            second=scans["unmatched"]["second"],
        )
        + " "
        + _(
            "Totals within ±%(tolerance)s: %(share)s of the pairs.",
            tolerance="10 %",
            share=_share(scans["totals_within"]),
        )
    )
    for name, icc in scans["categories"].items():
        lines.append(
            f"{indent}{labels.get(name, name)}: ICC {_figure(icc['icc'])}"
            + (f" ({words.band(icc['icc'])})" if icc["icc"] is not None else "")
            + " · "
            + _("mean difference %(diff)s", diff=_figure(icc["mean_abs_diff"]))
            + " · "
            + _pairs(icc["pairs"])
            + _note(icc)
        )
    return lines


def _pairs(n: int) -> str:
    return ngettext("%(num)d pair", "%(num)d pairs", n)


def _note(figures: dict) -> str:
    """A flag below the threshold, or the edge case in words."""
    if figures["low"]:
        return " · " + _("low: below %(limit)s", limit=format_decimal(LOW_AGREEMENT, "0.0"))
    case = str(words.CASES.get(figures["case"], ""))
    return f" · {case}" if case else ""


def render_text(data: dict, study: Study) -> str:
    """The report as readable text in the default language."""
    labels = words.labels(study)
    filters = data["filters"]
    lines = [
        _("Inter-observer reliability: %(study)s", study=study.name),
        _(
            "Site: %(site)s · from %(start)s to %(end)s · tolerance: encounters %(enc)d s, "
            "scans %(scan)d s",
            site=filters["site"] or _("all"),
            start=filters["from"] or "–",
            end=filters["to"] or "–",
            enc=filters["tolerance_seconds"],
            scan=filters["scan_tolerance_seconds"],
        ),
        ngettext("%(num)d pair of sessions", "%(num)d pairs of sessions", data["session_pairs"]),
        "",
        _("All observer pairs together"),
        *_lines(data, labels),
    ]
    for pair in data["pairs"]:
        lines += [
            "",
            _(
                "Observers %(first)s and %(second)s",
                first=pair["observers"][0],
                second=pair["observers"][1],
            )
            + " · "
            + ngettext(
                "%(num)d pair of sessions", "%(num)d pairs of sessions", pair["session_pairs"]
            ),
            *_lines(pair, labels),
        ]
    return "\n".join(lines)


@click.command("reliability")
@click.argument("study_slug")
@click.option("--site", "site_name", help="Only this site (its name).")
@click.option("--from", "date_from", help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Last day, YYYY-MM-DD.")
@click.option("--tolerance-seconds", "tolerance", help="Encounters match within this many seconds.")
@click.option("--scan-tolerance-seconds", "scan_tolerance", help="Scans match within this many.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def reliability_command(
    study_slug, site_name, date_from, date_to, tolerance, scan_tolerance, as_json
) -> None:
    """Agreement between observers of paired sessions: kappa per coding, ICC per count."""
    study = _study(study_slug)
    options = reliability.Options(
        site_id=_site(study, site_name),
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
        tolerance_seconds=_seconds(tolerance, "--tolerance-seconds", reliability.DEFAULT_SECONDS),
        scan_tolerance_seconds=_seconds(
            scan_tolerance, "--scan-tolerance-seconds", reliability.DEFAULT_SCAN_SECONDS
        ),
    )
    if options.date_from and options.date_to and options.date_from > options.date_to:
        _fail(_("--from lies after --to."))
    data = reliability.as_json(reliability.build(study, options), study)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(data, study))


def init_app(app) -> None:
    """Register the command."""
    app.cli.add_command(reliability_command)
