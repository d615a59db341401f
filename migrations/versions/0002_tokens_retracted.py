"""API tokens; retracted flag on captured records

Revision ID: 0002_tokens_retracted
Revises: 0001_initial
Create Date: 2026-11-25 09:08:03

Existing sessions, scans, encounters and notes get retracted = false: the column is added
with a server default, which is dropped again so the schema matches the models.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_tokens_retracted"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

CAPTURED = ("sessions", "scans", "encounters", "field_notes")


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    for table in CAPTURED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("retracted", sa.Boolean(), nullable=False, server_default=sa.false())
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("retracted", server_default=None)


def downgrade():
    for table in reversed(CAPTURED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("retracted")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
    op.drop_table("api_tokens")
