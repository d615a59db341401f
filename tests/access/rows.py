"""The vocabulary of the expectation table: outcomes, actor groups and the Row itself."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.access.world import ACTORS, STUDY_OF

# What an actor's request comes to.
OK = "OK"  # passed the access checks: 2xx, a redirect not to the login page, 400/422 on the body
LOGIN = "LOGIN"  # anonymous: 302 to /login?next=… for pages, 401 for /api/
FORBIDDEN = "FORBIDDEN"  # 403
NOT_FOUND = "NOT_FOUND"  # 404: also for objects of another study or another user
OUTCOMES = (OK, LOGIN, FORBIDDEN, NOT_FOUND)


def outcome_of(response, path: str) -> str:
    """Classify an answer as one of OUTCOMES (or "HTTP <status>" for anything else)."""
    status = response.status_code
    if status == 401 and path.startswith("/api/"):
        return LOGIN
    if 300 <= status < 400:
        target = urlsplit(response.location or "")
        return LOGIN if target.path == "/login" and "next=" in target.query else OK
    if 200 <= status < 300 or status in (400, 422):
        return OK
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(status, f"HTTP {status}")


def outcomes(default: str, **exceptions: str) -> dict[str, str]:
    """Every actor gets `default`, except those named (e.g. admin=OK)."""
    return _merge(dict.fromkeys(ACTORS, default), exceptions)


def everyone(**exceptions: str) -> dict[str, str]:
    """Anyone may call it, logged in or not."""
    return outcomes(OK, **exceptions)


def signed_in(**exceptions: str) -> dict[str, str]:
    """Anyone logged in."""
    return outcomes(OK, **{"anonymous": LOGIN, **exceptions})


def admin_only(**exceptions: str) -> dict[str, str]:
    """The installation admin only."""
    return outcomes(FORBIDDEN, **{"anonymous": LOGIN, "admin": OK, **exceptions})


def in_study(study: str, *roles: str, admin: str = OK, **exceptions: str) -> dict[str, str]:
    """A route of study "a" or "b": its members with one of `roles` pass, the others get 403."""
    # Members of the other study get 404 (its existence stays hidden); the admin gets `admin`.
    expected = {"anonymous": LOGIN, "admin": admin}
    for actor, home in STUDY_OF.items():
        if home != study:
            expected[actor] = NOT_FOUND
        else:
            expected[actor] = OK if actor.split("_")[0] in roles else FORBIDDEN
    return _merge(expected, exceptions)


def _merge(expected: dict[str, str], exceptions: dict[str, str]) -> dict[str, str]:
    """The group's outcomes with the named exceptions applied."""
    unknown = set(exceptions) - set(ACTORS)
    assert not unknown, f"unknown actors {sorted(unknown)}; actors are {ACTORS}"
    return {actor: exceptions.get(actor, expected[actor]) for actor in ACTORS}


@dataclass(frozen=True)
class Row:
    """Who may call one route (endpoint, method[, variant]), with which objects and body."""

    endpoint: str
    method: str
    expect: dict[str, str]  # actor -> outcome, from a group: everyone(), in_study(...), …
    variant: str = ""  # tells rows of one route apart, e.g. "export of lead_b"
    # URL parameter -> name of a world object (world.py); `slug` defaults to "study a".
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)  # query parameter -> world object
    form: dict[str, str] | None = None  # a POST's fields; a valid CSRF token is added
    json: Callable | None = None  # (world, actor) -> JSON body; browsers add X-CSRFToken
    check: Callable | None = None  # (response, world, actor): asserts more about an OK answer

    def __str__(self) -> str:
        return f"{self.endpoint} {self.method}" + (f" [{self.variant}]" if self.variant else "")


def url_of(row: Row, world, url_map) -> str:
    """The row's URL, its parameters filled with the world's objects."""
    rule = next(r for r in url_map.iter_rules(row.endpoint) if row.method in r.methods)
    values = {}
    for name in rule.arguments:
        source = row.params.get(name, "study a" if name == "slug" else None)
        assert source, f"{row}: say which world object fills <{name}>, e.g. params={{{name!r}: …}}"
        values[name] = world[source]
    values.update({name: world[source] for name, source in row.query.items()})
    return url_map.bind("localhost").build(row.endpoint, values, method=row.method)
