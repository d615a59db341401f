"""Migrations build exactly the models, and go down to nothing and up again."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from observations.extensions import db
from observations.models import Session, Study


def schema_drift(app) -> list:
    """Differences between the migrated database and the models, as Alembic sees them."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names(app) -> set[str]:
    """The tables that exist in the database right now."""
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_to_head_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
    assert schema_drift(empty_app) == []
    assert table_names(empty_app) == set(db.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
    assert table_names(empty_app) <= {"alembic_version"}
    with empty_app.app_context():
        upgrade()
    assert schema_drift(empty_app) == []


def test_migrated_database_holds_data_and_enforces_constraints(empty_app):
    with empty_app.app_context():
        upgrade()
        db.session.add(Study(slug="s", name="S"))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Study)) == 1
        db.session.add(Study(slug="s", name="Dubbel"))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
        else:  # pragma: no cover - the assertion below explains the failure
            raise AssertionError("duplicate slug accepted by the migrated schema")
        assert Session.__table__.name in table_names(empty_app)


def test_retracted_column_reaches_existing_records(empty_app):
    """0002 adds `retracted` to tables that already hold rows; they become false."""
    with empty_app.app_context():
        upgrade(revision="0001_initial")
        rows = [
            (
                "studies",
                "slug, name, description, timezone, created_at",
                "'s', 'S', '', 'Europe/Amsterdam', '2026-01-01 10:00:00'",
            ),
            (
                "users",
                "username, display_name, password_hash, is_admin, active, created_at",
                "'u', '', 'x', false, true, '2026-01-01 10:00:00'",
            ),
            (
                "sites",
                "study_id, name, kind, address, city, neighbourhood, active",
                "1, 'Plein', 'square', '', '', '', true",
            ),
            (
                "sessions",
                "uuid, revision, received_at, codebook_version, study_id, site_id, "
                "fieldworker_id, started_at, review_state",
                "'0b6f7a40-0000-4000-8000-000000000001', 1, '2026-01-01 10:00:00', 1, 1, 1, 1, "
                "'2026-01-01 10:00:00', 'pending'",
            ),
        ]
        with db.engine.begin() as connection:
            for table, columns, values in rows:
                connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({values})"))
        upgrade()
        retracted = db.session.scalar(sa.text("SELECT retracted FROM sessions"))
        assert retracted in (False, 0)
    assert schema_drift(empty_app) == []


def test_the_indicator_facts_are_computed_for_the_data_already_there(empty_app):
    """0009 computes the facts of the sessions stored before it; down and up again gives the
    same facts the app kept while the demo was built."""
    from observations import demo
    from observations.models import FACT_MODELS

    def facts() -> dict:
        return {
            model.__tablename__: sorted(
                tuple(row) for row in db.session.execute(sa.select(model.__table__))
            )
            for model in FACT_MODELS
        }

    with empty_app.app_context():
        upgrade()
        demo.create_demo(password="correct-horse-battery")
        db.session.commit()
        kept = facts()
        assert kept["fact_hours"] and kept["fact_codes"] and kept["fact_conditions"]
        db.session.remove()
        downgrade(revision="0008_received_at")
        assert not {m.__tablename__ for m in FACT_MODELS} & table_names(empty_app)
        upgrade()
        assert facts() == kept
    assert schema_drift(empty_app) == []
