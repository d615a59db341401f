"""coordination: accounts by link, site hours and profiles, team availability, paired slots

Revision ID: 0005_coordination
Revises: 0004_logins_scan_rules
Create Date: 2026-11-27 05:11:09

What coordinators need to set a study up from nothing: one-time password links, sites'
opening hours, setting and order, dated site profiles, members' weekly availability and
dates away, a private calendar feed per member, paired slots (a second observer) with the
time window they were planned in, and who made each codebook version with a snapshot of it.
Existing sites get a setting from their kind (parks, markets, squares and streets outdoors).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_coordination"
down_revision = "0004_logins_scan_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invite', 'reset')", name=op.f("ck_password_links_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_password_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
    )
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_links_user_id"), ["user_id"], unique=False)

    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_absences_first_before_last")),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_absences_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absences_membership_id"), ["membership_id"], unique=False
        )

    op.create_table(
        "availabilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("starts < ends", name=op.f("ck_availabilities_starts_before_end")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_availabilities_weekday_known")),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_availabilities_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availabilities")),
    )
    with op.batch_alter_table("availabilities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availabilities_membership_id"), ["membership_id"], unique=False
        )

    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hours_opens_before_closing")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday_known")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_opening_hours_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
    )
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opening_hours_site_id"), ["site_id"], unique=False)

    op.create_table(
        "site_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_site_profiles_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_profiles_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_profiles")),
    )
    with op.batch_alter_table("site_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_profiles_site_id"), ["site_id"], unique=False)

    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_codebooks_created_by_id_users"), "users", ["created_by_id"], ["id"]
        )

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_memberships_calendar_token_hash"), ["calendar_token_hash"]
        )

    if op.get_bind().dialect.name == "sqlite":
        # Sessions and slots refer to these tables: SQLite's batch mode would copy and drop
        # them, which their foreign keys refuse. ADD COLUMN takes the constraints in place.
        op.execute(
            "ALTER TABLE sites ADD COLUMN setting VARCHAR(10) DEFAULT 'indoor' NOT NULL "
            "CONSTRAINT ck_sites_setting_known CHECK (setting IN ('indoor', 'outdoor', 'mixed'))"
        )
        op.execute("ALTER TABLE sites ADD COLUMN position INTEGER DEFAULT 0 NOT NULL")
        op.execute(
            "ALTER TABLE slots ADD COLUMN partner_id INTEGER "
            "CONSTRAINT fk_slots_partner_id_users REFERENCES users (id) "
            "CONSTRAINT ck_slots_partner_differs "
            "CHECK (partner_id IS NULL OR partner_id <> fieldworker_id)"
        )
        op.execute("ALTER TABLE slots ADD COLUMN time_window VARCHAR(11) DEFAULT '' NOT NULL")
        op.create_index("ix_slots_partner_starts", "slots", ["partner_id", "starts_at"])
    else:
        with op.batch_alter_table("sites", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("setting", sa.String(length=10), nullable=False, server_default="indoor")
            )
            batch_op.add_column(
                sa.Column("position", sa.Integer(), nullable=False, server_default="0")
            )
            batch_op.create_check_constraint(
                "setting_known", "setting IN ('indoor', 'outdoor', 'mixed')"
            )
        with op.batch_alter_table("sites", schema=None) as batch_op:
            batch_op.alter_column("setting", server_default=None)
            batch_op.alter_column("position", server_default=None)
        with op.batch_alter_table("slots", schema=None) as batch_op:
            batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
            batch_op.add_column(
                sa.Column("time_window", sa.String(length=11), nullable=False, server_default="")
            )
            batch_op.create_index("ix_slots_partner_starts", ["partner_id", "starts_at"])
            batch_op.create_foreign_key(
                batch_op.f("fk_slots_partner_id_users"), "users", ["partner_id"], ["id"]
            )
            batch_op.create_check_constraint(
                "partner_differs", "partner_id IS NULL OR partner_id <> fieldworker_id"
            )
        with op.batch_alter_table("slots", schema=None) as batch_op:
            batch_op.alter_column("time_window", server_default=None)
    sites = sa.table("sites", sa.column("kind", sa.String), sa.column("setting", sa.String))
    op.execute(
        sites.update()
        .where(sites.c.kind.in_(("park", "market", "square", "street")))
        .values(setting="outdoor")
    )


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_slots_partner_differs"), type_="check")
        if not sqlite:  # SQLite's foreign key goes with the column of the recreated table
            batch_op.drop_constraint(batch_op.f("fk_slots_partner_id_users"), type_="foreignkey")
        batch_op.drop_index("ix_slots_partner_starts")
        batch_op.drop_column("time_window")
        batch_op.drop_column("partner_id")

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_sites_setting_known"), type_="check")
        batch_op.drop_column("position")
        batch_op.drop_column("setting")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_memberships_calendar_token_hash"), type_="unique")
        batch_op.drop_column("calendar_token_hash")

    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_codebooks_created_by_id_users"), type_="foreignkey")
        batch_op.drop_column("snapshot")
        batch_op.drop_column("created_by_id")

    with op.batch_alter_table("site_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_profiles_site_id"))

    op.drop_table("site_profiles")
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_hours_site_id"))

    op.drop_table("opening_hours")
    with op.batch_alter_table("availabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availabilities_membership_id"))

    op.drop_table("availabilities")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_membership_id"))

    op.drop_table("absences")
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_links_user_id"))

    op.drop_table("password_links")
