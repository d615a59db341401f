"""people-moving counts: zones marked as counting lines, and the passers records

Revision ID: 0012_passer_counts
Revises: 0011_import_jobs
Create Date: 2026-12-12 10:00:00

A zone gains `counting_line` (false for every existing zone); two new tables hold the
people-moving counts a phone syncs (kind `passers`): one row per counting period, and its
counts per category (mode, gender, age, group) and code. Going down drops both tables with
their rows and the flag with its values.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_passer_counts"
down_revision = "0011_import_jobs"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Sessions, scans and slots refer to zones: SQLite's batch mode would copy and drop
        # the table, which their foreign keys refuse. ADD COLUMN works in place.
        op.execute("ALTER TABLE zones ADD COLUMN counting_line BOOLEAN DEFAULT 0 NOT NULL")
    else:
        op.add_column(
            "zones",
            sa.Column("counting_line", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        op.alter_column("zones", "counting_line", server_default=None)

    op.create_table(
        "passer_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("codebook_version", sa.Integer(), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "minutes BETWEEN 1 AND 60", name=op.f("ck_passer_counts_minutes_in_range")
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_passer_counts_revision_positive")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_passer_counts_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_passer_counts_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_passer_counts_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passer_counts")),
        sa.UniqueConstraint("study_id", "uuid", name=op.f("uq_passer_counts_study_id_uuid")),
    )
    op.create_index(
        "ix_passer_counts_session_started", "passer_counts", ["session_id", "started_at"]
    )
    op.create_index(op.f("ix_passer_counts_zone_id"), "passer_counts", ["zone_id"])
    op.create_index(op.f("ix_passer_counts_received_at"), "passer_counts", ["received_at"])

    op.create_table(
        "passer_tallies",
        sa.Column("passer_count_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_passer_tallies_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["passer_count_id"],
            ["passer_counts.id"],
            name=op.f("fk_passer_tallies_passer_count_id_passer_counts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "passer_count_id", "category", "code", name=op.f("pk_passer_tallies")
        ),
    )


def downgrade():
    op.drop_table("passer_tallies")
    op.drop_index(op.f("ix_passer_counts_received_at"), table_name="passer_counts")
    op.drop_index(op.f("ix_passer_counts_zone_id"), table_name="passer_counts")
    op.drop_index("ix_passer_counts_session_started", table_name="passer_counts")
    op.drop_table("passer_counts")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_column("counting_line")
