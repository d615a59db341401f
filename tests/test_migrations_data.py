"""Every migration, down and up, on real data: the demo study at head, then one revision at a
time down to the first and back up to head, then down to nothing.

No step may fail, and every row survives wherever its table survives, on the columns that
survive. What a downgrade necessarily loses, and this test therefore lets go:
- tables a later revision created go with their rows: the indicator facts (0009; computed
  again from the records when 0009 runs again, which the test checks), opening hours, site
  profiles, availabilities, absences and password links (0005), corrections (0006), logins
  (0004), export jobs and presets (0003), API tokens (0002), import jobs (0011);
- columns a later revision added go with their values and come back with their defaults,
  e.g. `retracted` (0002), sites' setting and position (0005), review replies (0006).
Runs on SQLite (batch mode: tables copied and renamed) and, with TEST_DATABASE_URL, on
PostgreSQL. Revisions added later (e.g. 0010) are walked too: the list comes from Alembic.
"""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from observations import demo, studies, tokens
from observations.export import ExportOptions
from observations.export.jobs import create_job
from observations.extensions import db
from observations.models import FACT_MODELS, User
from observations.pldp import jobs as import_jobs
from tests.test_migrations import schema_drift, table_names


def revisions(app) -> list[str]:
    """Every revision, the oldest first."""
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [script.revision for script in reversed(list(script.walk_revisions()))]


def current_revision() -> str:
    return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))


def columns() -> dict[str, list[str]]:
    """Each table's columns, as the database has them now."""
    inspector = sa.inspect(db.engine)
    return {
        name: sorted(column["name"] for column in inspector.get_columns(name))
        for name in inspector.get_table_names()
        if name != "alembic_version"
    }


def counts(tables) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in tables
        }


def rows(schema: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of the given tables, on the given columns, in a stable order."""
    with db.engine.connect() as connection:
        return {
            name: sorted(
                (
                    tuple(row)
                    for row in connection.execute(
                        sa.select(*(sa.column(c) for c in names)).select_from(sa.table(name))
                    )
                ),
                key=repr,
            )
            for name, names in schema.items()
        }


def projected(table_rows: list[tuple], names: list[str], keep: list[str]) -> list[tuple]:
    """Rows read on the columns `names`, cut down to the columns `keep`."""
    positions = [names.index(name) for name in keep]
    return sorted((tuple(row[i] for i in positions) for row in table_rows), key=repr)


def load_the_demo_and_more() -> None:
    """The demo study, plus rows in tables the demo leaves empty."""
    built = demo.create_demo(password="correct-horse-battery")
    lead = db.session.scalar(sa.select(User).filter_by(username="lead"))
    create_job(built.study, lead, ExportOptions(format="csv"))
    table = b"Location_ID,Survey_ID,Male\nL1,S1,2\n\x00\xff"  # bytes, whatever they are
    import_jobs.create_job(built.study, lead, ("tellingen.csv", table), 1)
    tokens.create_token(lead, "migrations")
    studies.create_study("Tweede studie", "tweede")
    db.session.commit()


def test_every_revision_down_and_up_again_with_the_demo_loaded(empty_app):
    with empty_app.test_request_context():
        upgrade()
        load_the_demo_and_more()
        db.session.remove()
        walk = revisions(empty_app)
        head_schema = columns()
        head_rows = rows(head_schema)
        facts = {m.__tablename__ for m in FACT_MODELS}
        assert all(head_rows[name] for name in facts | {"encounters", "export_jobs", "import_jobs"})

        # Down, one revision at a time, to the first: every surviving table keeps its rows.
        schema, held = head_schema, counts(head_schema)
        for target in reversed(walk[:-1]):
            downgrade(revision="-1")
            db.session.remove()
            assert current_revision() == target
            now = columns()
            assert set(now) <= set(schema), f"{target} created tables on the way down"
            assert counts(now) == {name: held[name] for name in now}, target
            schema, held = now, counts(now)
        # The oldest schema's tables and columns hold exactly the values they held at head.
        oldest = {
            name: [c for c in names if c in head_schema[name]] for name, names in schema.items()
        }
        kept = {
            name: projected(head_rows[name], head_schema[name], cols)
            for name, cols in oldest.items()
        }
        assert rows(oldest) == kept

        # Up, one revision at a time: the data of the oldest schema stays as it is.
        for target in walk[walk.index(current_revision()) + 1 :]:
            upgrade(revision="+1")
            db.session.remove()
            assert current_revision() == target
            assert counts(oldest) == held, target
        assert rows(oldest) == kept
        # 0009 computes the facts again from the records: the same as the app kept them.
        again = rows({name: head_schema[name] for name in facts})
        assert again == {name: head_rows[name] for name in facts}
    assert schema_drift(empty_app) == []

    with empty_app.app_context():
        downgrade(revision="base")
    assert table_names(empty_app) <= {"alembic_version"}
