"""Time differences in SQL, the same on SQLite and PostgreSQL.

The flags compare record times with session times inside grouped queries (one pass over a
table for all sessions), which needs `a - b` in seconds: PostgreSQL subtracts timestamps
into an interval, SQLite (which stores UTC text) counts Julian days.
"""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):
    """`seconds_between(a, b)`: a − b in seconds, as a float (NULL if either is NULL)."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _generic(element, compiler, **kw):
    a, b = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({a} - {b}))"


@compiles(seconds_between, "sqlite")
def _sqlite(element, compiler, **kw):
    a, b = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({a}) - julianday({b})) * 86400.0)"
