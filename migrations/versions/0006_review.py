"""review: sessions closed automatically, replies to review decisions, corrections with reasons

Revision ID: 0006_review
Revises: 0005_coordination
Create Date: 2026-11-27 09:10:00

What research leads need to review incoming sessions: the moment the server closed a session
its fieldworker forgot to end, the fieldworker's one reply to each review decision, and the
corrections leads and coordinators make to captured records (old → new, with a reason).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_review"
down_revision = "0005_coordination"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "record_kind IN ('session', 'scan', 'encounter', 'note')",
            name=op.f("ck_corrections_record_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_corrections_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_corrections_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_corrections_study_id_studies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_corrections_record", ["study_id", "record_kind", "record_uuid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_corrections_session_id"), ["session_id"], unique=False
        )

    # Plain ADD COLUMN: a batch (copy-and-move) of these tables would trip over the foreign
    # keys that point at them on SQLite.
    op.add_column("sessions", sa.Column("auto_closed_at", sa.DateTime(timezone=True)))
    op.add_column("reviews", sa.Column("reply", sa.Text()))
    op.add_column("reviews", sa.Column("replied_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("replied_at")
        batch_op.drop_column("reply")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("auto_closed_at")
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrections_session_id"))
        batch_op.drop_index("ix_corrections_record")
    op.drop_table("corrections")
