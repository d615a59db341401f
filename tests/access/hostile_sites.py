"""Text fields of sites, zones, opening hours and site profiles (manage/sites), for the
hostile-strings test.
"""

from sqlalchemy import select

from observations.models import Site, SiteProfile, Zone
from tests.access.hostile_fields import (
    Field,
    Outcome,
    _choice,
    _longest,
    judge_page,
    judge_refusal,
    judge_shown,
    judge_stored,
)

COORDINATOR = "coordinator_a"


def manage_url(bench, path: str, study: str = "a") -> str:
    """A page of study A's (or B's) manage area."""
    return f"/studies/{bench.world[f'study {study}']}/manage{path}"


def plant_in_form(
    bench, hostile, url: str, fields: dict, target: str, stored_query, shown_on, actor=COORDINATOR
):
    """Send a form with the string in one field: refused with everything kept (422), or
    stored exactly and shown back on the page `shown_on(bench)`."""
    outcome = Outcome()
    sent = {**fields, target: hostile.value}
    answer = bench.post(actor, url, sent)
    if answer.status_code not in (200, 302):
        kept = tuple(
            v
            for k, v in fields.items()
            if k != target and v and k not in ("kind", "setting", "role", "who")
        )
        judge_refusal(outcome, answer, hostile, kept=kept)
        return outcome
    judge_page(outcome, answer, "the answer")
    judge_stored(outcome, bench.scalar(stored_query), hostile, form=True)
    page = judge_page(outcome, bench.get(actor, shown_on(bench)), "the page showing it")
    judge_shown(outcome, page, "the page showing it")
    return outcome


def _new_site(bench, hostile, target: str) -> Outcome:
    """A new site in study B, made by the admin: the PLDP import has already given study A
    sites named with these strings, and a name is unique within a study."""
    number = bench.next_number()
    fields = {
        "name": f"Plek {number}",
        "kind": "park",
        "setting": "outdoor",
        "address": f"Straat {number}",
        "city": "Utrecht",
        "neighbourhood": "Noord",
    }
    column = getattr(Site, target)
    query = (
        select(column)
        .filter(Site.study_id == bench.study_id("b"))
        .order_by(Site.id.desc())
        .limit(1)
    )
    return plant_in_form(
        bench,
        hostile,
        manage_url(bench, "/sites/new", "b"),
        fields,
        target,
        query,
        lambda b: manage_url(b, "/sites", "b"),
        actor="admin",
    )


def _site_page(bench) -> str:
    """Study A's first site's page."""
    return manage_url(bench, f"/sites/{bench.world['site of study a']}")


def _new_zone(bench, hostile, target: str) -> Outcome:
    """A new zone at study A's first site with the string in its name or description."""
    number = bench.next_number()
    fields = {
        "zone-name": f"Zone {number}",
        "zone-description": f"Hoek {number}",
        "zone-area_m2": "12,5",
    }
    query = select(getattr(Zone, target.removeprefix("zone-"))).order_by(Zone.id.desc()).limit(1)
    return plant_in_form(
        bench, hostile, _site_page(bench) + "/zones", fields, target, query, _site_page
    )


def _profile_note(bench, hostile) -> Outcome:
    """A new profile version of study A's first site with the string as its note."""
    fields = {"valid_from": "2026-05-01", "light": "good", "seating_fixed": "12"}
    query = select(SiteProfile.note).order_by(SiteProfile.id.desc()).limit(1)
    return plant_in_form(
        bench, hostile, _site_page(bench) + "/profile", fields, "note", query, _site_page
    )


def _refused(bench, hostile, url: str, fields: dict, target: str) -> Outcome:
    """A field no hostile string fits (a number, a time, a choice): refused with a message."""
    return _choice(bench, hostile, COORDINATOR, url, {**fields, target: hostile.value})


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    site_fields = [
        Field(
            f"sites: site's {name}",
            lambda b, h, n=name: _new_site(b, h, n),
            _longest(getattr(Site, name)),
        )
        for name in ("name", "address", "city", "neighbourhood")
    ]
    return [
        *site_fields,
        Field("sites: zone's name", lambda b, h: _new_zone(b, h, "zone-name"), _longest(Zone.name)),
        Field(
            "sites: zone's description",
            lambda b, h: _new_zone(b, h, "zone-description"),
            _longest(Zone.description),
            multiline=True,
        ),
        Field(
            "sites: zone's area",
            lambda b, h: _refused(
                b,
                h,
                _site_page(b) + "/zones",
                {"zone-name": f"Vlak {b.next_number()}"},
                "zone-area_m2",
            ),
            always_refused=True,
        ),
        Field(
            "sites: opening time",
            lambda b, h: _refused(
                b, h, _site_page(b) + "/hours", {"d0p0_end": "17:00"}, "d0p0_start"
            ),
            always_refused=True,
        ),
        Field(
            "sites: kind of place",
            lambda b, h: _refused(
                b,
                h,
                manage_url(b, "/sites/new"),
                {"name": f"Soort {b.next_number()}", "setting": "indoor"},
                "kind",
            ),
            always_refused=True,
        ),
        Field("sites: profile note", _profile_note, _longest(SiteProfile.note), multiline=True),
        Field(
            "sites: profile count",
            lambda b, h: _refused(
                b, h, _site_page(b) + "/profile", {"valid_from": "2026-05-01"}, "seating_movable"
            ),
            always_refused=True,
        ),
    ]
