"""adapters: raw statements, Moodle sites, activity mappings

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-23 17:54:43.557669
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_mappings",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=False),
        sa.Column("activity_key", sa.Text(), nullable=False),
        sa.Column("course_pk", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_pk"],
            ["catalogue_courses.pk"],
            name=op.f("fk_activity_mappings_course_pk_catalogue_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_activity_mappings_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_activity_mappings")),
        sa.UniqueConstraint(
            "org_pk", "activity_key", name=op.f("uq_activity_mappings_org_pk_activity_key")
        ),
    )
    op.create_index(
        op.f("ix_activity_mappings_org_pk"), "activity_mappings", ["org_pk"], unique=False
    )
    op.create_table(
        "moodle_sites",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("root_key", sa.Text(), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=True),
        sa.Column("credential_pk", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["credential_pk"],
            ["credentials.pk"],
            name=op.f("fk_moodle_sites_credential_pk_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_moodle_sites_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_moodle_sites")),
        sa.UniqueConstraint("org_pk", "root_key", name=op.f("uq_moodle_sites_org_pk_root_key")),
    )
    op.create_index(op.f("ix_moodle_sites_org_pk"), "moodle_sites", ["org_pk"], unique=False)
    op.create_table(
        "statement_raw",
        sa.Column(
            "statement_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("adapter", sa.String(length=32), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_statement_raw_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["statements.pk"],
            name=op.f("fk_statement_raw_statement_pk_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_pk", name=op.f("pk_statement_raw")),
    )
    op.create_index(
        "ix_statement_raw_org_pk_adapter", "statement_raw", ["org_pk", "adapter"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_statement_raw_org_pk_adapter", table_name="statement_raw")
    op.drop_table("statement_raw")
    op.drop_index(op.f("ix_moodle_sites_org_pk"), table_name="moodle_sites")
    op.drop_table("moodle_sites")
    op.drop_index(op.f("ix_activity_mappings_org_pk"), table_name="activity_mappings")
    op.drop_table("activity_mappings")
