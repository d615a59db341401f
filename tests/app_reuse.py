"""What every test's new app would compile again, compiled once per test run.

The tests make a fresh app for nearly every test (1,700 in a run). Two parts of making and
using one cost more than the test itself in most tests, and their result does not depend on
the app: Werkzeug compiles a URL builder for each of the 110 routes (0.1 s per app), and each
app's Jinja environment compiles every template it renders again. Both are shared here.
The app itself is not changed: production code never imports this module.
"""

import jinja2
from werkzeug.routing.rules import Rule

_builders: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _shared_builder(self: Rule, append_unknown: bool = True):
    """Rule._compile_builder, remembered by what the generated code depends on.

    The generated function takes the rule as its first argument (it is bound to each rule
    afterwards), so one function serves the same rule in every app.
    """
    trace = getattr(self, "_trace", None)
    if trace is None:  # not the Werkzeug this was written for: compile as usual
        return _compile_builder(self, append_unknown)
    defaults = tuple(sorted((key, repr(value)) for key, value in (self.defaults or {}).items()))
    key = (self.rule, self.merge_slashes, tuple(trace), defaults, append_unknown)
    if key not in _builders:
        _builders[key] = _compile_builder(self, append_unknown)
    return _builders[key]


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates in memory, keyed by Jinja on the template's name and source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_templates = _SharedBytecode()


def install() -> None:
    """Share URL builders between all apps of the run (called once, at import of conftest)."""
    Rule._compile_builder = _shared_builder


def share_templates(app) -> None:
    """Let the app's Jinja environment reuse templates other apps compiled."""
    app.jinja_env.bytecode_cache = _templates
