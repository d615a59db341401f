"""Every route × every actor, compared with the table in expectations.py.

The world is built once and rebuilt (copied from the first one: tests/snapshots.py) only after
a request that passed and may have changed it; within a row the refused actors go first, so
their calls see the world as built.
"""

import pytest
from werkzeug.exceptions import MethodNotAllowed

from observations.extensions import db
from tests import snapshots
from tests.access import world as worlds
from tests.access.expectations import ROWS
from tests.access.rows import OK, OUTCOMES, outcome_of, url_of
from tests.access.world import ACTORS
from tests.conftest import empty_database, make_app

TABLE = "tests/access/expectations.py"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


class Caller:
    """Calls routes as each actor, on a world that is rebuilt when a call may have changed it."""

    def __init__(self, app):
        self.app = app
        self.world = None
        self.dirty = True
        self._clients = {}

    def fresh_world(self) -> None:
        """Rebuild the world (and log everyone in again) if a call may have changed it."""
        if not self.dirty:
            return
        with self.app.test_request_context():
            worlds.empty_tables()
        self.world = snapshots.restore_or_build(
            self.app,
            "access world",
            self._build,
            fresh_for=snapshots.DEMO_FRESH_SECONDS,
            files=True,  # the finished exports' files, which a call may have deleted
        )
        self._clients, self.dirty = {}, False

    def _build(self):
        """The world, built in a request (the first time; later it is copied)."""
        with self.app.test_request_context():
            return worlds.build()

    def client(self, actor: str):
        """The actor's test client, logged in through the real form, and its CSRF token."""
        if actor not in self._clients:
            self._clients[actor] = worlds.logged_in(self.app, self.world, actor)
        return self._clients[actor]

    def call(self, row, actor: str, csrf: bool = True, bearer: bool = False):
        """Send the row's request as the actor (by login, or by API token); return URL, answer."""
        url = url_of(row, self.world, self.app.url_map)
        # A call with an API token comes from a client without cookies.
        client, token = (self.app.test_client(), None) if bearer else self.client(actor)
        kwargs = {"method": row.method, "headers": {}}
        if bearer:
            kwargs["headers"]["Authorization"] = f"Bearer {self.world[f'bearer of {actor}']}"
        if row.json is not None:
            kwargs["json"] = row.json(self.world, actor)
            if csrf and actor != "anonymous" and not bearer:
                kwargs["headers"]["X-CSRFToken"] = token
        elif row.method != "GET":
            kwargs["data"] = {**(row.form or {}), **({"csrf_token": token} if csrf else {})}
        response = client.open(url, **kwargs)
        response.get_data()  # read it all, then close a download's file
        response.close()
        if row.method != "GET" and outcome_of(response, url) == OK and response.status_code < 400:
            self.dirty = True
        return url, response


@pytest.fixture(scope="module")
def caller(tmp_path_factory):
    """A caller on an app of its own for this module."""
    app = make_app(tmp_path_factory.mktemp("matrix"))
    with app.app_context():
        db.create_all()
    yield Caller(app)
    empty_database(app)


def routes(app) -> dict[tuple[str, str], str]:
    """{(endpoint, method): rule} for every route of the app."""
    return {
        (rule.endpoint, method): rule.rule
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - IGNORED_METHODS)
    }


def test_every_route_has_a_row(caller):
    rows = {(row.endpoint, row.method) for row in ROWS}
    missing = {key: rule for key, rule in routes(caller.app).items() if key not in rows}
    assert not missing, (
        f"No row in {TABLE} for:\n"
        + "".join(
            f"  {endpoint} {method}  ({rule})\n" for (endpoint, method), rule in missing.items()
        )
        + "Decide who may use each route and add its row(s) to ROWS, e.g.\n"
        + '  Row("manage.sites", "GET", in_study("a", "coordinator")),\n'
        + "with a variant row for every object of someone else its URL can name."
    )


def test_every_row_names_a_route_and_every_actor(caller):
    routed = routes(caller.app)
    gone = [str(row) for row in ROWS if (row.endpoint, row.method) not in routed]
    assert not gone, f"Rows in {TABLE} for routes that no longer exist: {gone}; remove them."
    names = [str(row) for row in ROWS]
    assert len(names) == len(set(names)), "two rows share endpoint, method and variant"
    for row in ROWS:
        assert set(row.expect) == set(ACTORS), f"{row}: give an outcome for every actor"
        assert set(row.expect.values()) <= set(OUTCOMES), f"{row}: unknown outcome"
        assert row.method == "GET" or row.form is not None or row.json is not None, (
            f"{row}: give a body (form={{}} or json=…) so the call passes the CSRF check"
        )


def _calls(row) -> list[tuple[str, bool]]:
    """(actor, by API token?) for each call of the row: the refused first, as they change nothing.

    API routes are called both ways: logged in (with X-CSRFToken) and with a bearer token.
    """
    api = row.endpoint.startswith("api.")
    calls = [(a, bearer) for a in ACTORS for bearer in (False, True) if not bearer or api]
    calls = [(a, bearer) for a, bearer in calls if not (bearer and a == "anonymous")]
    return sorted(calls, key=lambda call: row.expect[call[0]] == OK)


def _mismatches(row, world, actor: str, url: str, response) -> list[str]:
    """What is wrong with one answer, by the table and the row's check."""
    got = outcome_of(response, url)
    if got != row.expect[actor]:
        where = f" → {response.location}" if response.location else ""
        return [f"expected {row.expect[actor]}, got {got} ({response.status_code}{where})"]
    body = response.get_data()
    wrong = [
        f"the answer names {name!r}, a study not theirs"
        for name in world.hidden_study_names(actor)
        if name.encode() in body
    ]
    if got == OK and row.check is not None:
        try:
            row.check(response, world, actor)
        except AssertionError as error:
            wrong.append(str(error))
    return wrong


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_route_answers_each_actor_as_the_table_says(caller, row):
    caller.fresh_world()
    wrong = []
    for actor, bearer in _calls(row):
        url, response = caller.call(row, actor, bearer=bearer)
        who = f"{actor} (API token)" if bearer else actor
        wrong += [
            f"  {who}: {problem}"
            for problem in _mismatches(row, caller.world, actor, url, response)
        ]
    assert not wrong, f"{row} ({url}) differs from {TABLE}:\n" + "\n".join(wrong)


def test_other_methods_answer_405_with_allow(caller):
    caller.fresh_world()
    adapter = caller.app.url_map.bind("localhost")
    urls = {url_of(row, caller.world, caller.app.url_map).split("?")[0] for row in ROWS}
    wrong, checked = [], 0
    for url in sorted(urls):
        for other in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            try:
                adapter.match(url, method=other)
            except MethodNotAllowed as error:
                allowed = set(error.valid_methods)
            else:
                continue
            checked += 1
            response = caller.client("anonymous")[0].open(url, method=other)
            header = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
            if response.status_code != 405 or header != allowed:
                wrong.append(
                    f"  {other} {url}: {response.status_code}, Allow: {sorted(header)} "
                    f"(expected 405, Allow: {sorted(allowed)})"
                )
    assert checked
    assert not wrong, "Methods a route does not take:\n" + "\n".join(wrong)


def test_every_state_change_needs_the_csrf_token(caller):
    wrong = []
    for row in ROWS:
        if row.method == "GET" or row.variant:
            continue
        caller.fresh_world()  # in case a call went through that should not have
        actor = next(a for a in ACTORS if row.expect[a] == OK)
        _url, response = caller.call(row, actor, csrf=False)
        if response.status_code != 400:
            wrong.append(f"  {row} as {actor}: {response.status_code} without a CSRF token")
    assert not wrong, "Accepted without a CSRF token:\n" + "\n".join(wrong)
